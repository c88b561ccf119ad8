package delivery

import (
	"context"
	"sync"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
)

// claimed is a delivery this process holds a lease on.
type claimed struct {
	d          *ap.Delivery
	leaseUntil time.Time
}

// hostState counts one host's deliveries held by this process: in flight, and claimed but
// waiting for a free per-host slot.
type hostState struct {
	inflight int
	queue    []claimed
}

// dispatcher is owned by the dispatch loop goroutine alone, so it needs no locks: senders report
// back on done.
type dispatcher struct {
	w        *Worker
	hosts    map[string]*hostState
	inflight int
	queued   int
	done     chan string // host of a finished send
	work     context.Context
	wg       sync.WaitGroup
}

// shutdownGrace is how long requests in flight may finish after Run's context ends.
const shutdownGrace = 5 * time.Second

func (w *Worker) dispatchLoop(ctx context.Context) {
	// Sends run on a context that outlives ctx by a grace period, so a shutdown does not cut
	// off a POST that is about to succeed (which would then be sent twice).
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	d := &dispatcher{w: w, hosts: map[string]*hostState{}, done: make(chan string, w.o.Concurrency), work: work}
	tick := time.NewTicker(w.o.Poll)
	defer tick.Stop()
	for {
		d.fill(ctx)
		select {
		case <-ctx.Done():
			d.shutdown(cancelWork)
			return
		case h := <-d.done:
			d.finished(h)
		case <-w.claim: // the expander made deliveries (it alone listens to Notify's wake)
		case <-tick.C:
		}
	}
}

// maxQueuedFactor bounds deliveries claimed but not yet started, as a multiple of Concurrency:
// enough to keep every slot busy, few enough that leases do not run out while they wait.
const maxQueuedFactor = 4

// claimBatchDivisor sets the fewest free slots worth a claim, as a fraction of Concurrency. A
// claim is a write transaction that scans the due deliveries; claiming for every send that
// finishes (one slot at a time) made it a fifth of a large fan-out's CPU, next to the
// signatures. Waiting for an eighth of the slots to free up costs nothing while the rest are
// busy signing and sending.
const claimBatchDivisor = 8

// fill starts whatever can start and claims more due deliveries while there is room.
func (d *dispatcher) fill(ctx context.Context) {
	o := d.w.o
	batch := max(1, o.Concurrency/claimBatchDivisor)
	for ctx.Err() == nil {
		d.startReady()
		free := o.Concurrency - d.inflight
		room := maxQueuedFactor*o.Concurrency - d.queued
		limit := min(free, room)
		if limit <= 0 || limit < batch && d.inflight > 0 {
			return
		}
		now := o.Now()
		lease := now.Add(o.Lease)
		ds, err := o.Store.ClaimDeliveries(ctx, now, lease, limit, d.busyHosts())
		if err != nil {
			if ctx.Err() == nil {
				d.w.log.ErrorContext(ctx, "claiming deliveries", "err", err)
			}
			return
		}
		for _, dl := range ds {
			h := d.host(dl.Host)
			h.queue = append(h.queue, claimed{d: dl, leaseUntil: lease})
			d.queued++
		}
		if len(ds) < limit {
			d.startReady()
			return
		}
	}
}

func (d *dispatcher) host(name string) *hostState {
	h := d.hosts[name]
	if h == nil {
		h = &hostState{}
		d.hosts[name] = h
	}
	return h
}

// busyHosts are those with PerHost deliveries already held: claiming more for them would only
// make them wait here, leased, while other hosts could be served.
func (d *dispatcher) busyHosts() []string {
	var busy []string
	for name, h := range d.hosts {
		if h.inflight+len(h.queue) >= d.w.o.PerHost {
			busy = append(busy, name)
		}
	}
	return busy
}

// startReady starts queued deliveries on hosts with a free slot while global slots remain.
func (d *dispatcher) startReady() {
	o := d.w.o
	for name, h := range d.hosts {
		for len(h.queue) > 0 && h.inflight < o.PerHost && d.inflight < o.Concurrency {
			c := h.queue[0]
			h.queue = h.queue[1:]
			d.queued--
			// A delivery whose lease would run out mid-request is left alone: the lease expires
			// and it is claimed again, rather than risk two workers sending it at once.
			if o.Now().Add(o.Timeout).After(c.leaseUntil) {
				continue
			}
			h.inflight++
			d.inflight++
			d.wg.Add(1)
			go func() {
				defer d.wg.Done()
				d.w.send(d.work, c.d)
				d.done <- name
			}()
		}
		if h.inflight == 0 && len(h.queue) == 0 {
			delete(d.hosts, name)
		}
	}
}

func (d *dispatcher) finished(name string) {
	if h := d.hosts[name]; h != nil {
		h.inflight--
	}
	d.inflight--
}

// shutdown waits for sends in flight, up to the grace period, then cancels the rest.
func (d *dispatcher) shutdown(cancelWork context.CancelFunc) {
	waited := make(chan struct{})
	go func() { d.wg.Wait(); close(waited) }()
	// Keep draining done so senders never block on it.
	timer := time.NewTimer(shutdownGrace)
	defer timer.Stop()
	for {
		select {
		case <-waited:
			return
		case <-d.done:
		case <-timer.C:
			cancelWork()
		}
	}
}
