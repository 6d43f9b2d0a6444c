package lsp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"
)

// MaxBody is the largest message body the server accepts. A larger
// Content-Length cannot be skipped safely (the bytes may never come), so it
// ends the session.
const MaxBody = 64 << 20

// maxHeaderLine bounds one header line; longer garbage is discarded in
// chunks of this size while looking for the next Content-Length.
const maxHeaderLine = 64 << 10

var contentLength = []byte("content-length:")

// errFrameTooLarge is the one framing error the session does not survive.
var errFrameTooLarge = errors.New("frame larger than the 64 MiB limit")

// stream is a jsonrpc2.Stream with LSP base-protocol framing that survives
// bad input. jsonrpc2 v0.10.0's own stream allocates whatever Content-Length
// says and its connection dies on the first read or decode error; here a
// body that is not JSON is answered with -32700 (id null) and reading goes
// on, garbage between frames is skipped up to the next Content-Length
// header, and only an oversized frame or the end of input stops Read.
type stream struct {
	in     *bufio.Reader
	closer io.Closer // the input, when it can be closed to unblock Read
	logger *zap.Logger

	// writeMu serialises writes: the connection writes replies and
	// notifications, and Read itself answers frames it cannot decode.
	writeMu sync.Mutex
	out     io.Writer
}

func newStream(in io.Reader, out io.Writer, logger *zap.Logger) *stream {
	s := &stream{in: bufio.NewReaderSize(in, maxHeaderLine), out: out, logger: logger}
	if c, ok := in.(io.Closer); ok {
		s.closer = c
	}
	return s
}

// Read returns the next message. Frames that cannot be decoded are answered
// (or logged) here and never reach the connection.
func (s *stream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		body, n, err := s.readFrame()
		if err != nil {
			return nil, n, err
		}
		msg, err := s.decode(body)
		if err != nil {
			continue
		}
		return msg, n, nil
	}
}

// readFrame reads headers up to the empty line and then the body.
func (s *stream) readFrame() ([]byte, int64, error) {
	var total int64
	length := -1
	sawHeader := false
	for {
		line, err := s.readLine()
		total += int64(len(line))
		if err != nil {
			if errors.Is(err, io.EOF) && total > 0 && sawHeader {
				return nil, total, fmt.Errorf("read header: %w", io.ErrUnexpectedEOF)
			}
			return nil, total, err
		}
		trimmed := bytes.TrimRight(line, "\r\n")
		if len(trimmed) == 0 {
			if length >= 0 {
				break
			}
			// An empty line with no Content-Length before it: the end of a
			// garbage block or of a header without a length. Keep looking.
			if sawHeader {
				s.logger.Warn("jsonrpc frame without a usable Content-Length; skipped")
				sawHeader = false
			}
			continue
		}
		// Re-synchronise on a Content-Length anywhere in the line: bytes left
		// over from a frame whose Content-Length was too short end up in
		// front of the next header.
		i := indexFoldASCII(trimmed, contentLength)
		if i < 0 {
			if bytes.IndexByte(trimmed, ':') > 0 && sawHeader {
				continue // another header (Content-Type): ignored
			}
			s.logger.Warn("skipping bytes that are not a jsonrpc header", zap.Int("bytes", len(line)))
			continue
		}
		if i > 0 {
			s.logger.Warn("skipping bytes before a Content-Length header", zap.Int("bytes", i))
		}
		sawHeader = true
		value := string(bytes.TrimSpace(trimmed[i+len(contentLength):]))
		n, perr := strconv.ParseInt(value, 10, 64)
		switch {
		case perr != nil || n < 0:
			s.logger.Warn("invalid Content-Length; frame skipped", zap.String("value", value))
			length = -1
		case n > MaxBody:
			s.replyError(nil, jsonrpc2.InvalidRequest, fmt.Sprintf("message of %d bytes exceeds the %d-byte limit", n, MaxBody))
			return nil, total, fmt.Errorf("content-length %d: %w", n, errFrameTooLarge)
		default:
			length = int(n)
		}
	}
	body := make([]byte, length)
	n, err := io.ReadFull(s.in, body)
	total += int64(n)
	if err != nil {
		return nil, total, fmt.Errorf("read %d-byte body: %w", length, err)
	}
	return body, total, nil
}

// readLine reads up to and including "\n". Lines longer than the buffer are
// returned in chunks, which are never headers and get skipped.
func (s *stream) readLine() ([]byte, error) {
	line, err := s.in.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return append([]byte(nil), line...), nil
	}
	if err != nil {
		if len(line) > 0 && errors.Is(err, io.EOF) {
			return append([]byte(nil), line...), nil
		}
		return nil, err
	}
	return append([]byte(nil), line...), nil
}

// decode turns a body into a message, answering what cannot be one.
func (s *stream) decode(body []byte) (jsonrpc2.Message, error) {
	if !json.Valid(body) {
		s.logger.Warn("jsonrpc body is not JSON; answered with a parse error", zap.Int("bytes", len(body)))
		s.replyError(nil, jsonrpc2.ParseError, "Parse error: the message body is not valid JSON")
		return nil, jsonrpc2.ErrParse
	}
	msg, err := jsonrpc2.DecodeMessage(body)
	if err != nil {
		// Valid JSON that is not a JSON-RPC message (an array, a number, an
		// object with neither method nor id, an id of the wrong type).
		s.logger.Warn("jsonrpc message is not a valid request", zap.Error(err))
		s.replyError(requestID(body), jsonrpc2.InvalidRequest, "Invalid Request: "+err.Error())
		return nil, err
	}
	return msg, nil
}

// requestID extracts a usable id from an invalid request, or nil for null.
func requestID(body []byte) json.RawMessage {
	var probe struct {
		ID     json.RawMessage `json:"id"`
		Method *string         `json:"method"`
	}
	if json.Unmarshal(body, &probe) != nil || len(probe.ID) == 0 || probe.Method == nil {
		return nil // a response we cannot route, or no id: answer with null
	}
	if probe.ID[0] == '"' || (probe.ID[0] >= '0' && probe.ID[0] <= '9') || probe.ID[0] == '-' {
		return probe.ID
	}
	return nil
}

// replyError writes an error response outside the connection (the frame
// never became a message the connection could answer).
func (s *stream) replyError(id json.RawMessage, code jsonrpc2.Code, message string) {
	if id == nil {
		id = json.RawMessage("null")
	}
	resp := struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   jsonrpc2.Error  `json:"error"`
	}{"2.0", id, jsonrpc2.Error{Code: code, Message: message}}
	data, err := json.Marshal(resp)
	if err != nil {
		s.logger.Error("marshal error response", zap.Error(err))
		return
	}
	if _, err := s.writeFrame(data); err != nil {
		s.logger.Warn("write error response", zap.Error(err))
	}
}

// Write sends one message as a frame.
func (s *stream) Write(_ context.Context, msg jsonrpc2.Message) (int64, error) {
	data, err := json.Marshal(msg)
	if err != nil {
		return 0, fmt.Errorf("marshal message: %w", err)
	}
	return s.writeFrame(data)
}

func (s *stream) writeFrame(data []byte) (int64, error) {
	frame := make([]byte, 0, len(data)+32)
	frame = append(frame, "Content-Length: "...)
	frame = strconv.AppendInt(frame, int64(len(data)), 10)
	frame = append(frame, "\r\n\r\n"...)
	frame = append(frame, data...)
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	n, err := s.out.Write(frame)
	if err != nil {
		return int64(n), fmt.Errorf("write frame: %w", err)
	}
	return int64(n), nil
}

// idle reports whether no further input is already buffered: the client
// has paused. Only the read goroutine (handlers run on it) may call it.
func (s *stream) idle() bool { return s.in.Buffered() == 0 }

// Close closes the input when it can be closed, which unblocks Read.
func (s *stream) Close() error {
	if s.closer != nil {
		if err := s.closer.Close(); err != nil {
			return fmt.Errorf("close input: %w", err)
		}
	}
	return nil
}

// indexFoldASCII finds needle (lower-case ASCII) in b ignoring ASCII case.
// bytes.ToLower would not do: it maps some non-ASCII runes (and invalid
// UTF-8) to encodings of another length, so an index into the lowered copy
// is not an index into b (FuzzStream found the slice out of range).
func indexFoldASCII(b, needle []byte) int {
	for i := 0; i+len(needle) <= len(b); i++ {
		match := true
		for j, c := range needle {
			x := b[i+j]
			if 'A' <= x && x <= 'Z' {
				x += 'a' - 'A'
			}
			if x != c {
				match = false
				break
			}
		}
		if match {
			return i
		}
	}
	return -1
}
