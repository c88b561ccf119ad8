package server

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	filemedia "github.com/guildhall/guildhall/adapters/media"
	"github.com/guildhall/guildhall/adapters/s3store"
	"github.com/guildhall/guildhall/federation/delivery"
)

// mediaFiles opens the media file store the configuration names, and the handler serving its
// files under /media/: the --media-dir directory by default, or an S3 bucket (--media-store),
// which several processes can share without a shared file system.
func (in *Instance) mediaFiles() (activitypub.FileStore, http.Handler, error) {
	if in.Config.MediaStore == "" {
		files, err := filemedia.NewDirFileStore(in.Config.MediaDir, in.Service.BaseURL())
		if err != nil {
			return nil, nil, fmt.Errorf("media directory: %w", err)
		}
		return files, filemedia.Files(files.Dir()), nil
	}
	c, err := s3store.ParseURL(in.Config.MediaStore)
	if err != nil {
		return nil, nil, fmt.Errorf("media store: %w", err)
	}
	c.AccessKey, c.SecretKey = in.Config.S3AccessKey, in.Config.S3SecretKey
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st, err := s3store.New(ctx, c, in.Service.BaseURL())
	if err != nil {
		return nil, nil, fmt.Errorf("media store: %w", err)
	}
	return st, st.Handler(), nil
}

// deliveryOptions applies --delivery-lease to the delivery workers' options. A POST must end
// well within its lease, so the request timeout is capped at half of it.
func (in *Instance) deliveryOptions() delivery.Options {
	o := in.opts.Delivery
	if l := in.Config.DeliveryLease; l > 0 && o.Lease == 0 {
		o.Lease = l
		if o.Timeout == 0 || o.Timeout > l/2 {
			o.Timeout = min(30*time.Second, l/2)
		}
	}
	return o
}
