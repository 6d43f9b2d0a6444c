package project

import "github.com/multiprom/multiprom/internal/deploy"

// UwsgiServer is a uWSGI server the project starts (see
// deploy.UwsgiServer) and the file that starts it.
type UwsgiServer struct {
	File *File
	*deploy.UwsgiServer
}

// findUwsgi collects the uWSGI configurations and the start-up command
// lines that run uwsgi.
func findUwsgi(p *Project) []*UwsgiServer {
	var out []*UwsgiServer
	for _, f := range p.Files {
		if m := f.Deploy(); m != nil {
			for _, s := range deploy.UwsgiServers(m) {
				out = append(out, &UwsgiServer{File: f, UwsgiServer: s})
			}
		}
	}
	return out
}

// uwsgiAnchor is where a finding about something missing from a uWSGI
// project goes: the first processes setting, else the first server.
func (fs *Facts) uwsgiAnchor() *Loc {
	for _, u := range fs.Uwsgi {
		if _, _, o := u.Processes(); o != nil {
			return &Loc{u.File, o.Span}
		}
	}
	return &Loc{fs.Uwsgi[0].File, fs.Uwsgi[0].Span}
}
