package activitypub

import "context"

// receiveAcceptedAnswer applies the accepted answer a remote question's author claims in an
// Update. The claim is believed only for a question the sender owns (the caller checked) and
// only when the answer is a direct reply to that question: an id of anything else, or of a
// status we cannot find or fetch, clears nothing and sets nothing, so a hostile author cannot
// make our UI show an unrelated post as the answer. An empty uri clears the acceptance.
func (s *Service) receiveAcceptedAnswer(ctx context.Context, q *Status, uri string) error {
	if q.Kind != KindQuestion {
		return nil
	}
	if uri == "" {
		q.AcceptedAnswerID, q.AcceptedAnswerURI = "", ""
		return nil
	}
	if uri == q.AcceptedAnswerURI && q.AcceptedAnswerID != "" {
		return nil
	}
	ans, err := s.store.StatusByURI(ctx, uri)
	if IsNotFound(err) && s.resolver != nil && !s.IsLocalURI(uri) {
		// The answer may have come from a server that never delivered it here; fetch it from
		// its origin, which checks that its author lives there. The question's own ancestry
		// makes it a reply of the question or not.
		ans, err = s.resolver.ResolveStatus(WithActivityID(ctx, ""), uri)
		if err != nil {
			s.log.InfoContext(ctx, "accepted answer not fetched", "question", q.URI, "answer", uri, "err", err)
			return nil
		}
	} else if err != nil {
		if IsNotFound(err) {
			return nil
		}
		return err
	}
	if ans == nil || ans.InReplyToID != q.ID || ans.DeletedAt != nil || ans.ReblogOfID != "" {
		s.log.InfoContext(ctx, "accepted answer claim refused: not a reply to the question", "question", q.URI, "answer", uri)
		return nil
	}
	q.AcceptedAnswerID, q.AcceptedAnswerURI = ans.ID, ans.URI
	return nil
}
