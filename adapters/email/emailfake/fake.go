// Package emailfake is a real SMTP server, in process, for the email
// adapter's tests and herald's end-to-end tests: it keeps what arrives,
// refuses recipients at refused.example (550, as a server does for an
// unknown user), and can refuse the next N messages with a passing error.
package emailfake

import (
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"

	smtp "github.com/emersion/go-smtp"
)

// Mail is one message as the server received it.
type Mail struct {
	From string
	To   []string
	// Data is the whole message: headers and MIME body.
	Data string
}

// Server is the SMTP server.
type Server struct {
	srv  *smtp.Server
	ln   net.Listener
	mu   sync.Mutex
	mail []Mail
	busy int
}

// Start runs a server on loopback.
func Start() (*Server, error) {
	s := &Server{}
	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.ln = ln
	go s.srv.Serve(ln)
	return s, nil
}

// Port is the port the server listens on, on 127.0.0.1.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// Mail returns what arrived, in order.
func (s *Server) Mail() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mail...)
}

// Busy makes the next n messages fail with 451 (try again later).
func (s *Server) Busy(n int) {
	s.mu.Lock()
	s.busy = n
	s.mu.Unlock()
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasSuffix(to, "@refused.example") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.busy > 0 {
		x.s.busy--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "busy, try again later"}
	}
	x.s.mail = append(x.s.mail, Mail{From: x.from, To: x.to, Data: string(b)})
	return nil
}

// Decoded is the message as a reader sees it: "Subject: …", then each
// MIME part's content type and decoded body. A message that cannot be
// read comes back with the reason.
func (m Mail) Decoded() string {
	msg, err := mail.ReadMessage(strings.NewReader(m.Data))
	if err != nil {
		return "unreadable: " + err.Error()
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	out := "Subject: " + subject + "\n"
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return out + "unreadable: " + err.Error()
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err != nil {
			break
		}
		var body io.Reader = p
		if p.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
			body = quotedprintable.NewReader(p)
		}
		b, _ := io.ReadAll(body)
		out += p.Header.Get("Content-Type") + "\n" + string(b) + "\n"
	}
	return out
}
