// Package fetch is the only way Guildhall makes outgoing HTTP requests.
//
// Every connection goes through a dialer whose Control hook refuses
// loopback, private, link-local, CGNAT, multicast, documentation and other
// reserved addresses (RES-01, RES-02). The check runs on the address
// actually being connected to, after DNS resolution, on every redirect hop,
// so neither DNS rebinding (RES-04) nor a redirect to an internal address
// (RES-03) gets through. Only http and https are spoken, redirects are
// bounded, bodies are capped and every request has an overall deadline.
//
// Fetcher adds the ActivityPub rules on top: content negotiation, the
// Content-Type check (ORI-05) and the identity rule (ORI-04, SIG-18):
//
//	A fetched document's identity is the final URL fetched, after
//	redirects. Its "id" must equal that URL, so a redirect can move a
//	document but can never make one URL speak for another.
//
// Callers that expected a particular id (a key owner, an object they were
// told about) must still compare it with Document.ID: a redirect to a
// different URL yields a document whose ID is that URL.
package fetch
