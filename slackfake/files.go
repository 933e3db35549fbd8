package slackfake

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// File is a file uploaded through the external upload flow
// (files.getUploadURLExternal, the upload, files.completeUploadExternal).
type File struct {
	ID, Name, Title string
	Channel         string // where it was shared; "" if not (yet) shared
	InitialComment  string
	ThreadTS        string
	Bytes           []byte
	At              time.Time
}

type fileRecord struct {
	File
	length     int
	uploadPath string
	uploaded   bool
	completed  bool
}

// Files returns the files uploaded so far, in upload order.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []File
	for _, id := range s.fileOrder {
		f := s.files[id]
		if f.uploaded {
			c := f.File
			c.Bytes = append([]byte(nil), f.Bytes...)
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) fileJSON(f *fileRecord) map[string]any {
	ext := strings.TrimPrefix(path.Ext(f.Name), ".")
	mimetype := mime.TypeByExtension(path.Ext(f.Name))
	if mimetype == "" {
		mimetype = "application/octet-stream"
	}
	return map[string]any{
		"id":          f.ID,
		"created":     f.At.Unix(),
		"timestamp":   f.At.Unix(),
		"name":        f.Name,
		"title":       f.Title,
		"mimetype":    strings.Split(mimetype, ";")[0],
		"filetype":    ext,
		"user":        s.opts.BotUserID,
		"size":        len(f.Bytes),
		"is_external": false,
		"is_public":   f.Channel != "" && strings.HasPrefix(f.Channel, "C"),
		"url_private": s.base + "/files/" + f.ID + "/" + f.Name,
		"permalink":   "https://" + s.domain + ".slack.com/files/" + s.opts.BotUserID + "/" + f.ID + "/" + f.Name,
	}
}

func (s *Server) filesGetUploadURLExternal(r *apiRequest) apiResult {
	name := r.str("filename")
	length := r.num("length", 0)
	switch {
	case name == "":
		return failArgs("invalid_arguments", "missing required field: filename")
	case length <= 0:
		return failArgs("invalid_arguments", "missing required field: length")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &fileRecord{File: File{ID: s.ids.file(), Name: name, Title: name, At: time.Now()}, length: length}
	f.uploadPath = "/upload/v1/" + s.ids.secret()
	s.files[f.ID] = f
	s.fileOrder = append(s.fileOrder, f.ID)
	return ok(map[string]any{"upload_url": s.base + f.uploadPath, "file_id": f.ID})
}

// serveUpload receives the bytes of a file at the URL files.getUploadURLExternal
// handed out, as a multipart "file" field or a raw body.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var data []byte
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		file, _, ferr := r.FormFile("file")
		if ferr != nil {
			http.Error(w, "no file", http.StatusBadRequest)
			return
		}
		defer file.Close()
		data, err = io.ReadAll(io.LimitReader(file, 1<<30))
	} else {
		data, err = io.ReadAll(io.LimitReader(r.Body, 1<<30))
	}
	if err != nil {
		http.Error(w, "read failed", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	var f *fileRecord
	for _, x := range s.files {
		if x.uploadPath == r.URL.Path && !x.completed {
			f = x
		}
	}
	if f != nil {
		f.Bytes, f.uploaded = data, true
		s.notifyLocked()
	}
	s.mu.Unlock()
	if f == nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "OK - %d", len(data))
}

func (s *Server) filesCompleteUploadExternal(r *apiRequest) apiResult {
	var summaries []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	raw := r.str("files")
	if raw == "" {
		return failArgs("invalid_arguments", "missing required field: files")
	}
	if err := json.Unmarshal([]byte(raw), &summaries); err != nil || len(summaries) == 0 {
		return failArgs("invalid_arguments", "must be an array of {id, title} [json-pointer:/files]")
	}
	var blocks []any
	if bv, present, err := r.jsonParam("blocks"); err != nil {
		return fail("invalid_blocks_format")
	} else if present {
		blocks = asSlice(bv)
		if problems := validateMessageBlocks(blocks); len(problems) > 0 {
			return failBlocks(problems)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var targets []*conversation
	channels := r.str("channel_id")
	if channels == "" {
		channels = r.str("channels")
	}
	for id := range strings.SplitSeq(channels, ",") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		c := s.convs[id]
		switch {
		case c == nil:
			return fail("channel_not_found")
		case !c.botMember:
			return fail("not_in_channel")
		}
		targets = append(targets, c)
	}
	var files []*fileRecord
	for _, sum := range summaries {
		f := s.files[sum.ID]
		switch {
		case f == nil:
			return fail("file_not_found")
		case !f.uploaded:
			return fail("file_upload_not_complete")
		}
		files = append(files, f)
	}
	out := make([]map[string]any, 0, len(files))
	var ids, labels []string
	for i, f := range files {
		if t := summaries[i].Title; t != "" {
			f.Title = t
		}
		f.completed = true
		f.InitialComment = r.str("initial_comment")
		f.ThreadTS = r.str("thread_ts")
		ids = append(ids, f.ID)
		labels = append(labels, fmt.Sprintf("%s (%s, %d bytes)", f.Title, f.Name, len(f.Bytes)))
		out = append(out, s.fileJSON(f))
	}
	for _, c := range targets {
		for _, f := range files {
			f.Channel = c.id
		}
		m := &message{
			user: s.opts.BotUserID, botID: s.opts.BotID, text: r.str("initial_comment"),
			blocks: blocks, threadTS: r.str("thread_ts"), files: ids, fileLabels: labels,
		}
		s.postLocked(c, m)
	}
	s.notifyLocked()
	return ok(map[string]any{"files": out})
}
