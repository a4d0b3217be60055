package views

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
)

//go:embed static/mfa.css static/mfa.js
var staticFiles embed.FS

// The embedded asset names, relative to Static().
const (
	StylesheetName = "mfa.css"
	ScriptName     = "mfa.js"
)

// assetNames maps each asset to its content-hashed name, e.g. "mfa.css" to "mfa.1a2b3c4d5e.css".
// Computed once from immutable embedded data.
var assetNames = sync.OnceValue(func() map[string]string {
	m := make(map[string]string, 2)
	for _, name := range []string{StylesheetName, ScriptName} {
		b, err := staticFiles.ReadFile("static/" + name)
		if err != nil {
			panic("views: embedded asset missing: " + name) // impossible: checked by go:embed
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		m[name] = strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
	}
	return m
})

// StylesheetFile returns the stylesheet's content-hashed file name, e.g. "mfa.1a2b3c4d5e.css".
// Static serves it (and the plain name); since the name changes whenever the content does,
// the hashed name may be cached for a long time ("Cache-Control: public, max-age=31536000,
// immutable").
func StylesheetFile() string { return assetNames()[StylesheetName] }

// ScriptFile returns the enhancement script's content-hashed file name, e.g. "mfa.1a2b3c4d5e.js".
func ScriptFile() string { return assetNames()[ScriptName] }

// Static returns the embedded assets as a flat file system: "mfa.css" and "mfa.js", under
// both their plain and their content-hashed names. Serve it under "{base}/static/", e.g. with
// http.StripPrefix(base+"/static/", http.FileServerFS(views.Static())).
func Static() fs.FS { return staticFS{} }

type staticFS struct{}

func (staticFS) resolve(name string) (string, bool) {
	for plain, hashed := range assetNames() {
		if name == plain || name == hashed {
			return "static/" + plain, true
		}
	}
	return "", false
}

// Open implements fs.FS. "." lists the plain and hashed names.
func (s staticFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		entries, err := s.entries()
		if err != nil {
			return nil, err
		}
		return &staticDir{entries: entries}, nil
	}
	real, ok := s.resolve(name)
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	f, err := staticFiles.Open(real)
	if err != nil {
		return nil, err
	}
	return renamedFile{f, name}, nil
}

// ReadFile implements fs.ReadFileFS.
func (s staticFS) ReadFile(name string) ([]byte, error) {
	real, ok := s.resolve(name)
	if !ok {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	return staticFiles.ReadFile(real)
}

func (staticFS) entries() ([]fs.DirEntry, error) {
	var out []fs.DirEntry
	for _, plain := range []string{StylesheetName, ScriptName} {
		info, err := fs.Stat(staticFiles, "static/"+plain)
		if err != nil {
			return nil, err
		}
		out = append(out, fs.FileInfoToDirEntry(renamed{info, plain}), fs.FileInfoToDirEntry(renamed{info, assetNames()[plain]}))
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

// renamedFile reports the name it was opened under (plain or hashed).
type renamedFile struct {
	fs.File
	name string
}

func (f renamedFile) Stat() (fs.FileInfo, error) {
	info, err := f.File.Stat()
	if err != nil {
		return nil, err
	}
	return renamed{info, f.name}, nil
}

// Read and Seek are promoted from the embedded file where it has them (embed files do);
// http.FileServerFS needs io.Seeker for ranges and content sniffing.
func (f renamedFile) Seek(offset int64, whence int) (int64, error) {
	if s, ok := f.File.(io.Seeker); ok {
		return s.Seek(offset, whence)
	}
	return 0, &fs.PathError{Op: "seek", Path: f.name, Err: errors.ErrUnsupported}
}

func (f renamedFile) ReadAt(p []byte, off int64) (int, error) {
	if r, ok := f.File.(io.ReaderAt); ok {
		return r.ReadAt(p, off)
	}
	return 0, &fs.PathError{Op: "readat", Path: f.name, Err: errors.ErrUnsupported}
}

// staticDir is the root directory of Static().
type staticDir struct {
	entries []fs.DirEntry
	off     int
}

func (*staticDir) Stat() (fs.FileInfo, error) { return dirInfo{}, nil }
func (*staticDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: ".", Err: errors.New("is a directory")}
}
func (*staticDir) Close() error { return nil }

// ReadDir implements fs.ReadDirFile.
func (d *staticDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return slices.Clone(rest), nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.off += n
	return slices.Clone(rest[:n]), nil
}

type dirInfo struct{}

func (dirInfo) Name() string       { return "." }
func (dirInfo) Size() int64        { return 0 }
func (dirInfo) Mode() fs.FileMode  { return fs.ModeDir | 0o555 }
func (dirInfo) ModTime() time.Time { return time.Time{} }
func (dirInfo) IsDir() bool        { return true }
func (dirInfo) Sys() any           { return nil }

type renamed struct {
	fs.FileInfo
	name string
}

func (r renamed) Name() string { return r.name }
