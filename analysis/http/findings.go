package http

import (
	"sort"
	"strings"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/report"
)

// Finding kinds (docs/reports.md lists each with its severity).
const (
	kindCredentials = "http.cleartext_credentials"
	kindExecutable  = "http.executable_download"
	kindBareIP      = "http.bare_ip_host"
	kindUserAgent   = "http.unusual_user_agent"
	kindErrorBurst  = "http.error_burst"
	kindLongURI     = "http.long_uri"
)

// Thresholds of the findings. They describe what is seen; they are not verdicts.
const (
	longURILen      = 1024 // bytes in a request target
	burstErrors     = 10   // 4xx/5xx responses from one server …
	burstWindowNs   = 10e9 // … within 10 seconds
	bareIPHostRegex = `^(\[[0-9A-Fa-f:.]+\]|[0-9.]+)(:[0-9]+)?$`
)

// toolAgents are patterns (display-filter regular expressions, matched
// ignoring case) of the user agents that scripting tools, libraries and
// scanners send.
var toolAgents = []string{
	"^curl/", "^wget/", "^python-requests/", "^python-urllib/", "^python/", "^aiohttp/", "^python-httpx/",
	"^go-http-client/", "^java/", "^apache-httpclient/", "^okhttp/", "^libwww-perl/", "^lwp::simple/",
	"^powershell/", "^windowspowershell/", "^winhttp", "^microsoft bits/", "^certutil", "nmap scripting engine",
	"^sqlmap/", "nikto", "^masscan/", "^zgrab/", "^gobuster/", "^wfuzz/", "^ruby",
	"^node-fetch/", "^axios/",
}

// toolAgent returns the pattern of toolAgents a user agent matches, or "".
func toolAgent(ua string) string {
	l := strings.ToLower(ua)
	for _, p := range toolAgents {
		lit := strings.ReplaceAll(strings.TrimPrefix(p, "^"), `\\`, "")
		if (p[0] == '^' && strings.HasPrefix(l, lit)) || (p[0] != '^' && strings.Contains(l, lit)) {
			return p
		}
	}
	return ""
}

// subjects collects distinct subjects in the order first seen.
type subjects struct {
	list []string
	seen map[string]bool
}

func (s *subjects) add(v string) {
	if v == "" || s.seen[v] || len(s.list) >= finding.MaxSubjects {
		return
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	s.seen[v] = true
	s.list = append(s.list, v)
}

// credentials tells whether the transaction's request sends credentials in
// clear text, and whether in an authorization header (basic) rather than a
// form or query string.
func (x *txn) credentials() (basic, ok bool) {
	if x.RequestFrame == 0 || x.Interim {
		return false, false
	}
	basic = strings.EqualFold(x.authScheme, "basic") || strings.EqualFold(x.authScheme, "digest")
	return basic, basic || x.formCreds
}

// credentialsFinding is the clear-text credentials' finding of the requests
// fs (hdr in authorization headers, form in forms or query strings),
// without the user names, which the report adds to its summary.
func credentialsFinding(fs *finding.Frames, hdr, form int) finding.Finding {
	n := fs.Count()
	var kinds []string
	filter := finding.FrameNumbers(fs.List(), n)
	if hdr > 0 {
		kinds = append(kinds, "authorization headers")
	}
	if form > 0 {
		kinds = append(kinds, "passwords in forms or query strings")
	}
	if filter == "" && form == 0 {
		filter = `http.authorization matches "(?i)^(basic|digest)\\s" || http.proxy_authorization matches "(?i)^(basic|digest)\\s"`
	}
	return finding.Finding{
		Kind: kindCredentials, Severity: finding.High, Count: n,
		Summary: report.Plural(n, "HTTP request sends", "HTTP requests send") + " credentials in clear text (" + strings.Join(kinds, " and ") + ")",
		Frames:  fs.List(),
		Filter:  filter,
	}
}

// executableFinding is the finding of the responses fs carrying an
// executable or a script, without the files, which the report lists after
// its summary.
func executableFinding(fs *finding.Frames) finding.Finding {
	n := fs.Count()
	return finding.Finding{
		Kind: kindExecutable, Severity: finding.High, Count: n,
		Summary: report.Plural(n, "HTTP response carries", "HTTP responses carry") + " an executable or a script (recognised by its first bytes)",
		Frames:  fs.List(),
		Filter:  finding.FrameNumbers(fs.List(), n),
	}
}

// Early implements engine.Early: the clear-text credentials and the
// executables seen so far, from the counts kept as the messages come
// (without their user names and files, listed at Finish); the other kinds
// are found from every transaction at Finish.
func (t *Tap) Early(*engine.Capture) []finding.Finding {
	var out []finding.Finding
	if t.early.creds.Count() > 0 {
		out = append(out, credentialsFinding(&t.early.creds, t.early.hdr, t.early.form))
	}
	if t.early.exes.Count() > 0 {
		out = append(out, executableFinding(&t.early.exes))
	}
	for i := range out {
		out[i].Tool = "http"
	}
	return out
}

// findings builds the report's findings from the transactions.
func (t *Tap) findings() []finding.Finding {
	var out []finding.Finding
	add := func(f finding.Finding) {
		f.Tool = "http"
		out = append(out, finding.Normalize(f))
	}

	// Credentials in clear text.
	{
		var fs finding.Frames
		var subj subjects
		hdr, form := 0, 0
		for _, x := range t.txns {
			basic, ok := x.credentials()
			if !ok {
				continue
			}
			fs.Add(x.RequestFrame)
			user, how := x.formUser, "password in a form or query"
			if basic {
				hdr++
				user, how = x.authUser, x.authScheme+" authorization"
			} else {
				form++
			}
			if user == "" {
				user = "(no user name)"
			}
			subj.add(user + " (" + how + ") to " + hostOf(x))
		}
		if fs.Count() > 0 {
			f := credentialsFinding(&fs, hdr, form)
			f.Summary += "; user names: " + strings.Join(subj.list, ", ")
			f.Subjects = subj.list
			add(f)
		}
	}

	// Executables and scripts downloaded.
	{
		var fs finding.Frames
		var subj subjects
		for _, x := range t.txns {
			if x.File == "" {
				continue
			}
			fs.Add(x.ResponseFrame)
			subj.add(x.File + ": " + hostOf(x) + x.URI)
		}
		if fs.Count() > 0 {
			f := executableFinding(&fs)
			f.Summary += ": " + strings.Join(subj.list, ", ")
			f.Subjects = subj.list
			add(f)
		}
	}

	// Requests to bare IP addresses.
	{
		var fs finding.Frames
		var subj subjects
		for _, x := range t.txns {
			if x.RequestFrame == 0 || x.Interim || x.Host == "" {
				continue
			}
			if _, ok := hostOnly(x.Host); ok {
				fs.Add(x.RequestFrame)
				subj.add(x.Host)
			}
		}
		if n := fs.Count(); n > 0 {
			add(finding.Finding{
				Kind: kindBareIP, Severity: finding.Low, Count: n,
				Summary:  report.Plural(n, "HTTP request names", "HTTP requests name") + " a bare IP address as host, not a name: " + strings.Join(subj.list, ", "),
				Frames:   fs.List(),
				Filter:   `http.host matches "` + strings.ReplaceAll(bareIPHostRegex, `\`, `\\`) + `"`,
				Subjects: subj.list,
			})
		}
	}

	// Unusual user agents: scripting tools and empty ones.
	{
		var fs finding.Frames
		var subj subjects
		tools := map[string]bool{}
		empty := false
		for _, x := range t.txns {
			if x.RequestFrame == 0 || x.Interim || !x.uaSeen {
				continue
			}
			if strings.TrimSpace(x.UserAgent) == "" {
				fs.Add(x.RequestFrame)
				subj.add("(empty)")
				empty = true
			} else if tool := toolAgent(x.UserAgent); tool != "" {
				fs.Add(x.RequestFrame)
				subj.add(x.UserAgent)
				tools[tool] = true
			}
		}
		if n := fs.Count(); n > 0 {
			var parts []string
			if len(tools) > 0 {
				names := make([]string, 0, len(tools))
				for k := range tools {
					names = append(names, k)
				}
				sort.Strings(names)
				parts = append(parts, `http.user_agent matches "(?i)(`+strings.Join(names, "|")+`)"`)
			}
			if empty {
				parts = append(parts, `http.user_agent matches "^\\s*$"`)
			}
			add(finding.Finding{
				Kind: kindUserAgent, Severity: finding.Medium, Count: n,
				Summary:  report.Plural(n, "HTTP request comes", "HTTP requests come") + " from scripting tools or with an empty user agent: " + strings.Join(subj.list, ", "),
				Frames:   fs.List(),
				Filter:   finding.Or(parts...),
				Subjects: subj.list,
			})
		}
	}

	// Error bursts: a server answering burstErrors 4xx/5xx within burstWindowNs.
	{
		type srv struct {
			name  string
			times []int64
			fs    finding.Frames
			burst bool
		}
		servers := map[string]*srv{}
		var order []*srv
		for _, x := range t.txns {
			if x.Status < 400 || x.Status > 599 {
				continue
			}
			ip := x.Server
			if i := strings.LastIndexByte(ip, ':'); i > 0 {
				ip = strings.Trim(ip[:i], "[]")
			}
			s := servers[ip]
			if s == nil {
				s = &srv{name: ip}
				servers[ip] = s
				order = append(order, s)
			}
			s.fs.Add(x.ResponseFrame)
			s.times = append(s.times, x.respNs)
			if k := len(s.times); k >= burstErrors && s.times[k-1]-s.times[k-burstErrors] <= burstWindowNs {
				s.burst = true
			}
			if len(s.times) > burstErrors {
				s.times = s.times[1:]
			}
		}
		for _, s := range order {
			if !s.burst {
				continue
			}
			n := s.fs.Count()
			add(finding.Finding{
				Kind: kindErrorBurst, Severity: finding.Medium, Count: n,
				Summary:  "Server " + s.name + " answers " + report.Plural(n, "HTTP request", "HTTP requests") + " with an error status (4xx or 5xx), at least " + report.Count(burstErrors) + " of them within 10 seconds",
				Frames:   s.fs.List(),
				Filter:   "http.response.code >= 400 && " + ipFilter(s.name),
				Subjects: []string{s.name},
			})
		}
	}

	// Very long URIs.
	{
		var fs finding.Frames
		var subj subjects
		longest := 0
		for _, x := range t.txns {
			if x.RequestFrame == 0 || x.Interim || x.reqURILen <= longURILen {
				continue
			}
			fs.Add(x.RequestFrame)
			subj.add(hostOf(x))
			longest = max(longest, x.reqURILen)
		}
		if n := fs.Count(); n > 0 {
			add(finding.Finding{
				Kind: kindLongURI, Severity: finding.Low, Count: n,
				Summary:  report.Plural(n, "HTTP request has", "HTTP requests have") + " a URI longer than " + report.Count(longURILen) + " characters (the longest " + report.Count(longest) + "), to " + strings.Join(subj.list, ", "),
				Frames:   fs.List(),
				Filter:   finding.FrameNumbers(fs.List(), n),
				Subjects: subj.list,
			})
		}
	}
	finding.Rank(out)
	return report.NonNil(out)
}

// hostOf names a transaction's server: its Host header, or its address.
func hostOf(x *txn) string {
	if x.Host != "" {
		return x.Host
	}
	return x.Server
}

// ipFilter selects frames from the address a.
func ipFilter(a string) string {
	if strings.Contains(a, ":") {
		return "ipv6.src == " + a
	}
	return "ip.src == " + a
}
