package outbox

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// File is a file the Sender uploads in place of a message: a chart beside the HR
// summary, say. Name must be unique to the notice (the Sender finds an upload that may
// have happened before a crash by it); Title is what people see.
type File struct {
	Name    string
	Title   string
	Content []byte
}

// FileRenderer is the part of a Renderer that turns some notices into files. When the
// Renderer has it and it reports a notice as a file, the Sender uploads the file (files
// upload v2: files.getUploadURLExternal, the upload, files.completeUploadExternal) to the
// notice's channel instead of posting a message. name must be unique to the notice (see
// File).
type FileRenderer interface {
	RenderFile(ctx context.Context, n mentoring.Notice) (name, title string, content []byte, isFile bool, err error)
}

// methodUpload is the upload method the throttle paces.
const methodUpload = "files.completeUploadExternal"

// renderFile asks the Renderer whether the notice is a file, and renders it. isFile is
// false for an ordinary message; ok is false when the row was settled (a render error,
// a shutdown).
func (s *Sender) renderFile(a *attempt) (f File, isFile, ok bool) {
	fr, can := s.opts.Renderer.(FileRenderer)
	if !can {
		return File{}, false, false
	}
	name, title, content, isFile, err := fr.RenderFile(a.soft, a.it.Notice)
	f = File{Name: name, Title: title, Content: content}
	switch {
	case !isFile:
		return File{}, false, false
	case err != nil && a.soft.Err() != nil:
		s.release(a, "shutdown")
		return File{}, true, false
	case err != nil:
		s.settle(a, verdict{outcome: permanent, reason: "render: " + err.Error()})
		return File{}, true, false
	case f.Name == "" || len(f.Content) == 0:
		s.settle(a, verdict{outcome: permanent, reason: "render: an empty file"})
		return File{}, true, false
	}
	return f, true, true
}

// upload sends a file to the notice's conversation, exactly once: a row that may have
// been uploaded before (a crash, a lost answer) is first looked for in the conversation's
// history by the file's name.
func (s *Sender) upload(a *attempt, f File) {
	n := a.it.Notice
	channel, err := s.resolve(a)
	if err == nil && isUserID(n, channel) {
		// An upload needs the conversation's own ID.
		channel, err = s.open(a)
	}
	if err != nil {
		s.settleErr(a, err)
		return
	}
	if a.it.Uncertain {
		if s.settledEarlier(a, channel, "outbox file found uploaded already", func(m slack.Message) bool {
			return slices.ContainsFunc(m.Files, func(file slack.File) bool { return file.Name == f.Name })
		}) {
			return
		}
	}
	for {
		if err := s.throttle.waitPost(a.soft, conversationKey(n)); err != nil {
			s.release(a, "shutdown")
			return
		}
		if !s.canPost(a.it) {
			s.release(a, "lease too short to post")
			return
		}
		a.mayHavePosted = true
		ctx, cancel := context.WithTimeout(a.hard, s.opts.RequestTimeout)
		sum, err := s.opts.Slack.UploadFileContext(ctx, slack.UploadFileParameters{
			Reader: bytes.NewReader(f.Content), FileSize: len(f.Content), Filename: f.Name, Title: f.Title,
			Channel: channel,
		})
		cancel()
		if err == nil {
			s.posted.Add(1)
			s.deliveredOK()
			s.markSent(a, channel, "file:"+sum.ID)
			return
		}
		v := classify(err, a.hard.Err() != nil)
		if v.outcome == rateLimited {
			s.rateLimited.Add(1)
			a.log.Warn("rate limited by Slack", "method", methodUpload, "retry_after", v.retryAfter)
			s.throttle.pause(methodPost, conversationKey(n), v.retryAfter)
			continue
		}
		// A failed upload may have got as far as sharing the file: look before retrying.
		v.uncertain = true
		v.reason = fmt.Sprintf("upload %s: %s", f.Name, v.reason)
		s.settle(a, v)
		return
	}
}
