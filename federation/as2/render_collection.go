package as2

import (
	"fmt"

	"github.com/go-fed/activity/streams"
)

// CollectionPage is one page of an ordered collection: items (ids or embedded documents), and the
// links to the neighbouring pages ("" when there is none).
type CollectionPage struct {
	ID, PartOf, Next, Prev string
	Items                  []any // string ids or map[string]any documents
}

// OrderedCollection renders a collection's front document: its size and where its first page is.
// first is "" when the collection is not browsable (a private follower list).
func (r Renderer) OrderedCollection(id string, total int, first string) (map[string]any, error) {
	var p iriParser
	c := streams.NewActivityStreamsOrderedCollection()
	c.SetJSONLDId(p.id(id))
	ti := streams.NewActivityStreamsTotalItemsProperty()
	ti.Set(total)
	c.SetActivityStreamsTotalItems(ti)
	if first != "" {
		f := streams.NewActivityStreamsFirstProperty()
		f.SetIRI(p.parse(first))
		c.SetActivityStreamsFirst(f)
	}
	if p.err != nil {
		return nil, fmt.Errorf("as2: collection %s: %w", id, p.err)
	}
	return serializeDoc(c)
}

// OrderedCollectionPage renders one page of a collection.
func (r Renderer) OrderedCollectionPage(pg CollectionPage, total int) (map[string]any, error) {
	var p iriParser
	c := streams.NewActivityStreamsOrderedCollectionPage()
	c.SetJSONLDId(p.id(pg.ID))
	part := streams.NewActivityStreamsPartOfProperty()
	part.SetIRI(p.parse(pg.PartOf))
	c.SetActivityStreamsPartOf(part)
	ti := streams.NewActivityStreamsTotalItemsProperty()
	ti.Set(total)
	c.SetActivityStreamsTotalItems(ti)
	if pg.Next != "" {
		n := streams.NewActivityStreamsNextProperty()
		n.SetIRI(p.parse(pg.Next))
		c.SetActivityStreamsNext(n)
	}
	if pg.Prev != "" {
		n := streams.NewActivityStreamsPrevProperty()
		n.SetIRI(p.parse(pg.Prev))
		c.SetActivityStreamsPrev(n)
	}
	if p.err != nil {
		return nil, fmt.Errorf("as2: collection page %s: %w", pg.ID, p.err)
	}
	m, err := serializeDoc(c)
	if err != nil {
		return nil, err
	}
	// Items are set after serialisation: they are ids or documents rendered (and extended) on
	// their own, which go-fed would otherwise have to re-parse.
	items := make([]any, 0, len(pg.Items))
	for _, it := range pg.Items {
		if doc, ok := it.(map[string]any); ok {
			it = Embedded(doc)
		}
		items = append(items, it)
	}
	m["orderedItems"] = items
	return m, nil
}
