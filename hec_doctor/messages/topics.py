"""The topics ``hec-doctor explain`` knows: the questions the Logpush FAQ keeps answering."""

from __future__ import annotations

from collections import namedtuple

# A named tuple, not a dataclass: explain TOPIC answers before dataclasses (and the inspect
# module they load) are imported, which is most of its start-up.
Topic = namedtuple("Topic", "name title text")
Topic.__doc__ = "One topic: its name (what the user types), a title, and the text."


TOPICS: dict[str, Topic] = {t.name: t for t in (
    Topic("insecure-skip-verify", "insecure-skip-verify: what it trades away", """\
insecure-skip-verify=true makes Logpush skip certificate verification, like curl -k. The
connection is still encrypted, but the server is no longer authenticated: anyone who can
intercept or redirect the traffic (DNS, BGP, a hostile network on the way) can pose as your HEC,
receive the logs and the HEC token that Logpush sends with every push, and use that token
afterwards.

Cloudflare recommends false. The flag exists for endpoints whose certificate the owner cannot
fix. Prefer, in this order:
  1. fix the certificate: a public CA, the host name as a subjectAltName, the full chain served;
  2. on Splunk Cloud, use http-inputs-<stack>.splunkcloud.com (port 443), whose certificate is
     public and valid;
  3. only then true, knowing the token travels to whoever answers, and rotate it if in doubt.

hec-doctor never sends the token to a server whose certificate failed verification unless you
choose --insecure-skip-verify (or the destination says true); the report then says so."""),
    Topic("channel", "channel: the GUID in the destination", """\
Logpush puts channel=<GUID> in the query of every push. Splunk uses a channel to group requests
(and, with indexer acknowledgement, to hand out ackIds). Use one random GUID per job, in the
8-4-4-4-12 hex form, e.g. from uuidgen. A channel that is not a GUID gets HEC code 11 "Invalid
data channel"; a token with indexer acknowledgement on and no channel gets code 10 "Data channel
is missing". Indexer acknowledgement must be off for Logpush: it never polls /ack."""),
    Topic("token-encoding", "token-encoding: header_Authorization=Splunk%20<token>", """\
header_Authorization is the whole value of the Authorization header, URL-encoded, inside the
destination_conf's query string:

    header_Authorization=Splunk%20e6d94e8c-5792-4ad1-be3c-29bcaee0197d

The word Splunk, then %20 (an encoded space), then the token. Without "Splunk" HEC answers code 3
"Invalid authorization". Cloudflare refuses a raw space when the job is saved ("invalid
destination_conf: config string must match ..."), and other unencoded characters may be decoded
wrongly ("+" becomes a space, "&" ends the parameter). "Bearer" is not accepted by HEC."""),
    Topic("ports", "ports: 443 or 8088", """\
Cloudflare documents two ports for Splunk destinations: 443 and 8088 (Splunk's HEC default).
Other ports may work today but are not documented. Two are always wrong: 8089 is splunkd's
management (REST) port and 8000 is Splunk Web; neither accepts HEC events. On Splunk Cloud, HEC is
http-inputs-<stack>.splunkcloud.com:443 (or input-<stack>...:8088; trial stacks use
prd-p-xxxx.splunkcloud.com:8088)."""),
    Topic("splunk-default-cert", "splunk-default-cert: SplunkServerDefaultCert", """\
At install Splunk makes its own certificate: CN=SplunkServerDefaultCert, O=SplunkUser, issued by
SplunkCommonCA (the same CA in every install). It is not signed by a public CA and does not name
your host (older ones are X.509 v1 with no subjectAltName at all, SHA-1, RSA-1024). Go, and so
Logpush, rejects it:

    x509: certificate is not valid for any names, but wanted to match <host>   (Go 1.15+)
    x509: certificate is valid for SplunkServerDefaultCert, not <host>          (older Go, the FAQ)

Fix: install a certificate from a public CA whose subjectAltName holds the HEC host name, with
its intermediates, as serverCert in inputs.conf [http] (then restart splunkd). curl may accept a
certificate Go rejects (CN-only); test with hec-doctor check, which judges as Go does."""),
    Topic("logpush-versions", "logpush-versions: v1, v2, and jobs today", """\
Before mid-2020 Logpush pushed five-minute batches read through the Logpull API ("v1"); since
then it pushes batches as soon as they are ready ("v2"). Cloudflare dropped v1 and v2 from its
documentation in 2024, and job objects the API returns today carry no "logstream" field at all
(neither of Cloudflare's SDK types has it): a job without it is a current job. Only an explicit
"logstream": false marks an old v1 job, and Edge Log Delivery jobs ("kind": "edge") are
neither. The Logpush FAQ's upgrade for such a job:

    curl -X PUT https://api.cloudflare.com/client/v4/zones/<ZONE_ID>/logpush/jobs/<JOB_ID> \\
      -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" -H "Content-Type: application/json" \\
      -d '{"logstream": true}'

(use /accounts/<ACCOUNT_ID> for an account dataset; every Logpush API call needs a token with
Logs: Write). "too early: logs older than 168h0m0s are not available" is the Logpull API's
7-day limit: a job shows it only when it reads through Logpull (v1) and fell more than 7 days
behind. frequency and logpull_options are deprecated: use max_upload_* and output_options.
See also: hec-doctor explain backfill."""),
    Topic("backfill", "backfill: what a failing or disabled job loses", """\
Logpush pushes each batch once and never backfills. While a destination fails, Logpush retries
a batch for as long as its logs are kept, and it disables the job after 24 hours without a
successful push (Cloudflare's Logpush health documentation, 2026; the older "about five times
over five minutes" is no longer what Cloudflare documents). A job disabled sooner was switched
off by a person. New jobs are created disabled until enabled.

What was not pushed can be fetched again only for a zone's HTTP request logs (http_requests),
with the Logpull API, only if log retention was switched on beforehand (off by default:
GET /zones/<ZONE_ID>/logs/control/retention/flag), and only back at least 3 and up to 7 days.
Logs of every other dataset that were not pushed are lost. hec-doctor job says, for each job,
which window is lost and what can still be fetched."""),
)}
