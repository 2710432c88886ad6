# senderdesk portal — English (the reference language; every other language has every key).
# Placeables such as { $ip } are filled in by the portal. Keep them; move them freely.

## Layout
site-name = Sender services
skip-to-content = Skip to the content
nav-home = Overview
nav-lookup = Check an IP
nav-delist = Delist an IP
nav-label = Main
lang-label = Language
date-time = { $day } { $month } { $year }, { $time } UTC
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
footer-about = These pages are for anyone who sends mail to our users. You need no account with us to use them.
footer-api = JSON API

## Overview
home-title = Services for senders
home-intro = If mail you sent to our users was rejected, start here. Everything below is self-service and free, and none of it needs an account with us.
home-lookup-title = Check an IP address
home-lookup-body = See at once whether an IP address is on our blocked-senders list, why, since when, and whether you can remove it yourself.
home-delist-title = Delist portal
home-delist-body = Remove your IP address from our list yourself. We confirm by email, and the removal takes effect within seconds, not hours.
home-support-title = Support
home-support-body = We do not take tickets from senders directly. If self-service does not solve your problem, ask the administrator of the recipient's mailbox to open a ticket with us on your behalf, and give them the full bounce message.
home-open = Open
home-bounce-title = Read your bounce first
home-bounce-body = A rejection from us names the problem and the next step. A code from 5.7.606 to 5.7.611 and the words "banned sending IP" mean the sending IP address is on our list: check it here, then request removal.

## Lookup
lookup-title = Check an IP address
lookup-intro = Enter the IP address that sent the rejected mail. Our bounce message names it in brackets after "banned sending IP".
lookup-ip-label = IP address
lookup-ip-hint = IPv4, such as 192.0.2.1, or IPv6, such as 2001:db8::1
lookup-submit = Check
lookup-not-listed = { $ip } is not on our list.
lookup-not-listed-next = If our servers still reject your mail, the reason is something else. Read the whole bounce message: it names the problem.
lookup-listed = { $ip } is on our list.
lookup-range = Listed range
lookup-reason = Reason
lookup-note = Our note on this listing
untranslated-english = (Our operators wrote this in English only.)
lookup-code = Code in the bounce
lookup-since = Listed since
lookup-expires = Expires
lookup-expires-never = Not by itself; it stays until it is removed
lookup-removable = Removal
lookup-removable-yes = You can remove it yourself through the delist portal.
lookup-removable-no = You cannot remove it yourself. Ask the administrator of the recipient's mailbox to open a ticket with us on your behalf.
lookup-removable-range = It is listed as part of a wider range, which only our support can remove. Ask the administrator of the recipient's mailbox to open a ticket with us on your behalf.
lookup-delist = Request removal
bad-ip = "{ $value }" is not an IP address. Enter an IPv4 address such as 192.0.2.1 or an IPv6 address such as 2001:db8::1.

## Reasons (the built-in reasons' words; a reason given words of its own in the config shows those instead, and a listing's own text is shown beside the reason, never instead of it)
reason-manual = Listed by our postmasters after abuse from this IP address.
reason-complaints = Our users reported mail from this IP address as junk.
reason-spamtrap = Mail from this IP address reached spam trap addresses, which nobody ever asked to receive mail.
reason-compromised = This IP address shows signs of a compromised machine, a botnet or an open proxy.
reason-policy = This IP address is in a range that should not send mail directly, such as an end-user or dynamic range.
reason-hard = Listed for serious or repeated abuse; it cannot be removed through the portal.

## Delist form
delist-title = Delist an IP address
delist-intro = We send a confirmation link to your email address. Open it within { $minutes } minutes and confirm, and the IP address is removed from our list at once.
delist-email-label = Your email address
delist-email-hint = We send the confirmation link here, and nothing else.
delist-ip-label = IP address to delist
delist-honeypot-label = Leave this field empty
delist-submit = Send the confirmation link
delist-pow-working = Checking your browser before sending…
delist-pow-note = Before sending, your browser does a short calculation (under a second) so that robots cannot flood this form. Without JavaScript the form still works.
delist-terms = You may remove an IP address yourself at most { $max } times in { $days } days. After that, or for listings marked as not self-removable, only our support can remove it.

## Delist: link sent
sent-title = Check your mailbox
sent-body = If { $ip } can be removed, a confirmation link is on its way to { $email }. It works once, for { $minutes } minutes.
sent-reference = Your request reference is { $reference }. Keep it: the status page shows where your request stands, including whether our mail was delivered.
sent-status = See the status of your request
sent-retrying = Our mail server did not take the message yet. We keep trying until the link would expire; the status page shows when it is sent.
sent-no-mail = Nothing arrived? Look in your spam folder, and check that the address is spelled right. You can ask for a new link at any time.

## Delist: refusals and limits
refused-title = Self-service removal is not possible
refused-not-listed = { $ip } is not on our list, so there is nothing to remove. If our servers still reject your mail, read the whole bounce message: it names the problem.
refused-not-self-removable = { $ip } is listed for a reason that cannot be removed through the portal.
refused-range = { $ip } is listed as part of a wider range. Ranges are removed only by our support.
refused-too-many = { $ip } was already removed through the portal { $max } times in the last { $days } days. It was listed again each time, so the problem that causes it is not solved yet.
refused-escalate = What you can do: fix the cause first, then ask the administrator of the recipient's mailbox to open a ticket with us on your behalf. Give them the IP address, the full bounce message and what you changed.
limit-title = Too many requests
limit-email = There have been too many delist requests for this email address recently. Please wait a day, and use the link you already received if it is still valid.
limit-client = There have been too many delist requests from your network recently. Please try again tomorrow.
limit-listed-ip = There have been too many delist requests for { $ip } recently. Use the link already sent, or try again tomorrow.
limit-flood = Too many requests in a short time. Wait a minute and try again.
limit-mails = This form is sending an unusual number of confirmation mails right now, so it is paused for a while: the pause keeps anyone from flooding mailboxes through it. Your address has not been used. Please try again in an hour.
bad-email = "{ $value }" is not an email address we can send to. Enter a plain address such as postmaster@example.net.
bad-proof = The browser check failed or is out of date. Reload the page and send the form again.
form-problem = Please correct the following:

## Delist: confirmation page
confirm-title = Confirm the removal of { $ip }
confirm-status = Current status
confirm-listed = { $ip } is on our list.
confirm-responsibility-title = Your responsibility
confirm-responsibility = By removing this IP address you confirm that you have fixed what caused the listing, and that you will make sure further mail from this IP address is not abusive or malicious. If it is, the address will be listed again, and self-service removal may no longer be available.
confirm-button = Delist IP
confirm-expired = This link has expired. Links work for { $minutes } minutes. Request a new one.
confirm-used = This link was already used. Each link works once.
confirm-unknown = This link is not valid. Check that you copied the whole link from the mail, or request a new one.
confirm-new-link = Request a new link

## Delist: done
done-title = { $ip } is removed
done-body = { $ip } was removed from our list at { $time }. Our mail servers and our DNS list stopped rejecting it within seconds.
done-reference = Your request reference is { $reference }. A confirmation is on its way to { $email }.
done-caches = Other providers' servers may remember our DNS answer for up to { $minutes } minutes.
done-advice = Keep it off the list: send only mail that recipients asked for, remove addresses that bounce, and make unsubscribing easy.

## Status page
status-title = Delist request { $reference }
status-ip = IP address
status-state = State
status-created = Requested
status-completed = Completed
status-mail = Confirmation mail
state-pending = Waiting for confirmation through the emailed link
state-expired = Expired: the link was not used in time
state-delisted = Removed from the list
state-refused = Refused
mail-queued = Being sent
mail-sent = Accepted by our mail server for delivery
mail-outbox = Written to the operator's outbox (this installation has no mail relay)
mail-retrying = Not delivered yet; we keep trying
mail-failed = Could not be delivered; request a new link
status-unknown = There is no request with the reference { $reference }. References look like DL-7KQ2-M9XD.

## Errors
error-title = Something went wrong
error-not-found = There is no page at this address.
error-internal = We could not complete this request because of a problem on our side. Nothing was changed. Please try again in a few minutes.
error-forbidden = This form was sent from another website, so we did not accept it. Open the form on our site and send it again.
error-too-large = The request is too large.
error-too-large-limit = This page accepts at most { $size }. Send a shorter text or a smaller file.
error-timeout = This request took too long, so we stopped it. It may not have been completed: please try again in a few minutes.
error-unreadable = We could not read this request. Go back to the form, check what you entered and send it again.
error-cross-site-api = Requests from the pages of another website are not accepted. Call this API from your own server, not from a browser on another site.
error-unavailable = The list cannot be read at the moment. Please try again in a few minutes.
api-ip-required = Give an IP address as ?ip=, and optionally a domain as &domain=.
api-no-code = There is no enhanced status code (such as 5.7.606) in the text. Pass the whole bounce message as ?text=.
api-token-required = A valid bearer token is required.
api-report-empty = The body must be the reported message (message/rfc822).
home-link = Back to the overview

## Mail: confirmation link
mail-verify-subject = Confirm the removal of { $ip } from our list
mail-verify-greeting = Hello,
mail-verify-body = Someone, probably you, asked to remove { $ip } from our blocked-senders list. To confirm, open this link within { $minutes } minutes:
mail-verify-ignore = If you did not ask for this, ignore this mail: nothing changes without the link.
mail-verify-reference = Request reference: { $reference }
mail-signature = Sender services

## Mail: removal confirmed
mail-done-subject = { $ip } was removed from our list
mail-done-body = { $ip } was removed from our blocked-senders list at { $time }, through the delist portal.
mail-done-status = You can check the status at any time: { $url }

## Report junk mail
nav-report = Report junk
home-report-title = Report junk mail
home-report-body = Received junk mail sent through our platform? Report it with its full headers: our abuse desk ties it to the sender and stops repeat offenders.
report-title = Report junk mail sent through our platform
report-intro = Paste the junk message with all its headers, or upload it as an .eml file. Without the headers we cannot tell who sent it. Mail providers and feedback loops can also send reports to { $address }, as attachments or in ARF.
report-howto = How to get the full message: in Outlook, open the message and choose File, Save As, or forward it as an attachment; in Gmail, choose Show original; in Thunderbird, choose View, Message Source.
report-message-label = The message, with all its headers
report-file-label = Or upload the message (.eml)
report-email-label = Your email address (optional)
report-email-hint = Only to ask you a question about this report, if we must.
report-submit = Send the report
report-empty = Paste the message or choose a file.
report-not-mail = This does not look like a mail message with headers: { $why }. Paste the whole message, starting with its first header line (such as Received: or Return-Path:).
report-not-mail-no-header-block = no header block could be read
report-not-mail-empty-first-line = it starts with an empty line, not with a header
report-not-mail-first-line-not-header = its first line is not a header field
report-not-mail-other = it could not be read as one
report-too-large = The message is larger than { $size } bytes.
report-thanks-title = Thank you
report-thanks = Your report is stored as number { $submission }, with { $count } reported message(s).
report-reviewed = Reports sent with this form are read by a person at our abuse desk before we act on them: anyone can fill in a form, so no sender is blocked on a form's word alone.
report-thanks-duplicate = We already had a report of this message from you; it is recorded once.
report-not-ours = The reported message does not seem to have been sent through our platform, so we cannot act on its sender. Report it to the provider it came from.
report-unavailable = We cannot store reports at the moment. Please try again in a few minutes.

## Self-help: navigation and overview
nav-ndr = Explain a bounce
nav-diagnose = Check your setup
nav-help = Help
nav-support = Support
home-ndr-title = Explain a bounce
home-ndr-body = Paste the rejection message you received. We find the codes and the IP address in it and tell you what each means, whose move it is and what to do next.
home-ndr-open = Explain my bounce
home-diagnose-title = Check your setup
home-diagnose-body = Check a sending IP address and domain as receiving servers see them: our list, reverse DNS, SPF, DMARC and MX, each with advice.
home-help-title = Help for senders
home-help-body = Our requirements for senders, how our filtering and authentication work, step-by-step guides and answers to common questions.

## NDR explainer
ndr-title = Explain a bounce
ndr-intro = Paste the bounce (non-delivery report) you received, or just the line with the server's reply. We read the status codes and the IP address in it and explain them.
ndr-text-label = The bounce or the SMTP reply
ndr-text-hint = For example: 550 5.7.606 Access denied, banned sending IP [192.0.2.7]. The whole message works too; only the first 64 KiB are read.
ndr-submit = Explain
ndr-no-code = We found no status code such as 5.7.606 or 4.7.500 in this text. Paste the whole bounce, including the line with the server's reply; it usually starts with a three-digit number such as 550.
ndr-ip-not-listed = { $ip } is not on our list.
ndr-ip-not-listed-next = If this bounce came from another provider, follow the instructions in it: our delist portal only removes addresses from our own list.
ndr-ours = On our list, this code means: { $reason }
ndr-whose-move = Whose move:
ndr-steps = What to do
ndr-owner-sender = the sender (the person who sent the message).
ndr-owner-sender-admin = the administrator of the sending mail system.
ndr-owner-recipient-admin = the administrator of the recipient's mail system.
ndr-owner-depends = it depends on the text that follows the code.
ndr-link-lookup = Check an IP address on our list
ndr-link-lookup-ip = Check { $ip } on our list
ndr-link-delist = Request removal from our list
ndr-link-delist-ip = Request removal of { $ip }
ndr-link-diagnose = Check your setup
ndr-link-diagnose-ip = Check the setup of { $ip }
ndr-link-support = How to reach our support
ndr-link-support-ip = How to reach our support
ndr-link-help = Help: { $title }

## Sender diagnostics
diag-title = Check your setup
diag-intro = Check a sending IP address, and optionally the domain you send from, as receiving servers see them. Each check says pass, warning or fail, with what to do.
diag-ip-label = Sending IP address
diag-domain-label = Domain you send from (optional)
diag-domain-hint = The domain after the @ in your sender address, such as example.com. Needed for the SPF, DMARC and MX checks.
diag-submit = Check
diag-results = Results for { $ip }
diag-summary = { $passed } passed, { $warned } with warnings, { $failed } failed.
diag-no-domain = Enter the domain you send from to check SPF, DMARC and MX as well.
diag-bad-domain = "{ $value }" is not a domain name. Enter a name such as example.com, without @ or http://.
diag-refused-ip-not-global = { $value } is not a global Internet address: it is private, loopback, link-local, reserved or set aside for documentation. Mail on the Internet comes from global addresses, so there is nothing here we could check. Enter the public address your server sends from.
diag-refused-name-not-public = { $value } is not a public domain name: it is a special-use or internal name (such as .local, .test or .internal). Enter the public domain you send mail from.
diag-busy = Many diagnoses are running right now. Please try again in a few seconds.
diag-status-pass = Pass
diag-status-warn = Warning
diag-status-fail = Fail
diag-check-listed = Our block list
diag-check-ptr = Reverse DNS (PTR)
diag-check-fcrdns = Forward-confirmed reverse DNS
diag-check-spf = SPF
diag-check-dmarc = DMARC
diag-check-mx = MX records
diag-listed-no = { $ip } is not on our list.
diag-listed-yes = { $ip } is on our list ({ $code }): { $reason } You can request its removal once the cause is fixed.
diag-listed-support = { $ip } is on our list ({ $code }): { $reason } It cannot be removed through self-service; see the support page.
diag-ptr-found = The IP address has a PTR record: { $name }.
diag-ptr-generic = The PTR name { $name } looks like one given to home or dynamic connections. Ask the owner of the IP address to set a name of your mail server, such as mail.example.com.
diag-ptr-missing = { $ip } has no PTR record. Many receivers refuse mail from addresses without reverse DNS. Ask whoever runs the IP address (your hosting or network provider) to set one.
diag-fcrdns-pass = { $name } resolves back to { $ip }: reverse DNS is forward-confirmed.
diag-fcrdns-fail = None of the PTR names ({ $name }) resolves back to { $ip }. Add an A or AAAA record for the name that points to the IP address.
diag-fcrdns-no-ptr = Cannot be confirmed without a PTR record.
diag-spf-pass = The SPF record of { $domain } authorises { $ip }.
diag-spf-fail = The SPF record of { $domain } does not authorise { $ip } and asks receivers to reject such mail. Add the IP address, or the include of your sending service, to the record.
diag-spf-softfail = The SPF record of { $domain } does not authorise { $ip } (~all, soft fail). Receivers will treat such mail with suspicion; add the IP address to the record.
diag-spf-neutral = The SPF record of { $domain } makes no statement about { $ip } (?all). Add the IP address to the record and end it with -all or ~all.
diag-spf-none = { $domain } has no SPF record. Publish one that lists every server that sends for the domain, such as "v=spf1 ip4:{ $ip } -all".
diag-spf-permerror = The SPF record of { $domain } is broken (a syntax error, more than one record, or more than 10 DNS lookups), so receivers treat it as an error. Fix the record.
diag-dmarc-enforced = { $domain } publishes a DMARC policy of p={ $policy }.
diag-dmarc-none = { $domain } publishes DMARC with p=none: receivers only report, nothing is enforced. Move to quarantine or reject once your reports show all your mail passes.
diag-dmarc-missing = { $domain } has no DMARC record. Publish one at _dmarc.{ $domain }, starting with "v=DMARC1; p=none" and a rua= address for reports.
diag-dmarc-invalid = The DMARC record of { $domain } is not valid ({ $problem }). Receivers ignore it; fix it.
diag-mx-found = { $domain } receives mail at: { $hosts }.
diag-mx-missing = { $domain } has no MX record. Bounces and replies to your mail may not reach you, and some receivers refuse senders whose domain cannot receive mail. Publish an MX record.
diag-mx-null = { $domain } publishes a null MX (it receives no mail). Receivers refuse mail from such domains, as replies could never arrive. Send from a domain that receives mail.
diag-dns-error = The DNS lookup failed, so this could not be checked: { $error }. Try again later; if it keeps failing, the domain's name servers may be unreachable.
diag-problem-several-records = there is more than one DMARC record
diag-problem-unknown-policy = unknown policy p={ $policy }
diag-problem-no-policy = the p= tag is missing
diag-error-timeout = no answer in time
diag-error-failed = the name servers gave no usable answer
diag-error-spf-timeout = the SPF evaluation did not finish in time
diag-error-spf-temperror = a DNS lookup during the SPF evaluation failed
diag-api-title-refused = This target is not diagnosed
diag-api-title-busy = Too many diagnoses are running

## Help pages and support
help-title = Help for senders
help-intro = Our policies and requirements for senders, how our filtering and authentication work, and guides to the most common problems.
help-tools-title = Self-service tools
help-breadcrumb = You are here
help-more = More help
help-not-translated = This page is not available in your language yet; it is shown in the language it was written in.
support-title = Support
support-intro = Most problems are solved fastest by self-service: it works at once, at any hour. If it does not solve yours, there is a way to reach us.
support-selfhelp-title = Start here
support-escalate-title = When self-service is not enough
support-escalate-body = We do not take tickets from senders directly, because we cannot verify who owns an IP address or domain from a web form. A customer of ours can, and vouches for the request: ask the administrator of a recipient you need to reach to open a ticket with us on your behalf. Our support may then contact you or the owner of the IP address space directly.
support-step-fix = Fix the cause first, and note what you changed.
support-step-ask = Ask the administrator of the recipient's mail system, by phone or from another address, to open a ticket with our support for you.
support-step-we = We review the case and answer the administrator who opened the ticket; when needed we contact the owner of the IP address space.
support-include-title = What the ticket should include
support-include-bounce = The full bounce message, with the line that holds the status code (such as 550 5.7.606).
support-include-ips = The sending IP addresses.
support-include-domains = The domains you send from.
support-include-cause = What caused the problem and what you changed to fix it, with dates.
support-include-contact = A technical contact for your mail system.
support-no-self-tickets = Why we ask this: a ticket from our own customer tells us the mail is wanted, which is the most important fact for us.

# The notice to a tenant's contact when one of its senders is restricted.
mail-restricted-subject = Sending restricted for { $sender } after { $count } complaints (case #{ $case })
mail-restricted-body = Our abuse desk received { $count } complaints within { $window } about mail sent through our platform by { $sender } ({ $tenant }).
mail-restricted-effect = Outbound mail from { $sender } is now refused with "550 5.1.8 Access denied, bad outbound sender" until our abuse desk lifts the restriction. Nothing else of { $tenant } is affected.
mail-restricted-todo = What to do:
mail-restricted-step-account = Check whether the account was compromised: change its password and look for logins you do not recognise.
mail-restricted-step-consent = If the mail was sent on purpose, check that every recipient asked for it, that unsubscribing takes one click, and that bouncing addresses are removed.
mail-restricted-step-reply = Reply to this message with what you found and changed, quoting case #{ $case }; we lift the restriction once the cause is fixed.
mail-restricted-case = Case: #{ $case }

## Accounts: the set-password link and its page
account-role-admin = administrator
account-role-agent = agent (support and abuse desk)
account-role-tenant-admin = tenant administrator
mail-account-set-subject = Your account: choose a password
mail-account-reset-subject = Your account: choose a new password
mail-account-set-body = An account was made for { $email } with the role { $role }. To choose your password, open this link within { $hours } hours:
mail-account-reset-body = A new password was requested for the account { $email }. To choose it, open this link within { $hours } hours:
mail-account-once = The link works once. If you did not expect this mail, ignore it: nothing changes until the link is used.
account-password-title = Choose your password
account-password-intro = For the account { $email }.
account-password-hint = At least { $min } characters. A few unrelated words make a strong password that is easy to remember.
account-password-label = New password
account-password-confirm-label = The same password again
account-password-submit = Set the password
account-password-mismatch = The two passwords differ; type the same password in both fields.
account-password-too-short = The password has { $chars } characters; it needs at least { $min }.
account-password-too-long = The password has { $chars } characters; at most { $max } are allowed.
account-password-done-title = Password set
account-password-done = The password for { $email } is set. This link cannot be used again.
account-link-title = This link cannot be used
account-link-unknown = This link is not valid. Check that you copied all of it, or ask an administrator for a new one.
account-link-used = This link was already used: each link works once. If you need a new password, ask an administrator for a new link.
account-link-expired = This link has expired. Ask an administrator for a new one.
account-link-disabled = This account is disabled. Ask an administrator if you think this is a mistake.

## Signing in and the account page
footer-staff = Staff and tenant sign-in
error-no-role = Your account's role does not reach this page. Ask an administrator if you need it.
signin-title = Sign in
signin-intro = For our abuse desk, our support agents and our tenants' administrators.
signin-email = Email
signin-password = Password
signin-submit = Sign in
signin-forgot = Forgot your password? Ask an administrator to mail you a new link.
signin-wrong = The email or the password is wrong.
signin-disabled = This account is disabled. Ask an administrator if you think this is a mistake.
signin-wait = Too many failed attempts. Try again in { $seconds } seconds.
signin-signed-out = You are signed out.
signin-code-title = Enter your code
signin-code-intro = Open your authenticator app and type the six-digit code it shows for this site, or one of your recovery codes.
signin-code-label = Code
signin-code-hint = Six digits, or a recovery code such as 3f9a-0c21-77de.
signin-code-submit = Continue
signin-code-wrong = That code is not right, or it was already used. Type the code your app shows now.
signin-cancel = Cancel and sign out
signout-submit = Sign out
account-title = Your account
account-who = Signed in as { $email }, { $role }.
account-tenant = Tenant: { $tenant }.
account-done-password = Your password is changed. Your other sessions were signed out.
account-done-sessions = The chosen sessions were signed out.
account-done-totp-off = Two-step sign-in is off.
account-done-policy = The rule for two-step sign-in is saved.
account-totp-demanded = Administrators require two-step sign-in for your role. Turn it on below to continue.
account-totp-heading = Two-step sign-in
account-totp-on = Two-step sign-in is on. Recovery codes left: { $left }.
account-totp-off = Two-step sign-in is off. With it on, signing in also needs a code from an authenticator app on your phone.
account-totp-enable = Turn on two-step sign-in
account-totp-disable = Turn off two-step sign-in
account-totp-required = Administrators require two-step sign-in for your role, so it stays on.
account-totp-required-cannot-disable = Administrators require two-step sign-in for your role; it cannot be turned off.
account-codes-new = Make new recovery codes
account-current-password = Your current password
account-current-wrong = Your current password is not right.
account-password-heading = Password
account-password-change = Change the password
account-sessions-heading = Where you are signed in
account-session-started = Signed in at
account-session-seen = Last active
account-session-address = IP address
account-session-browser = Browser
account-session-this = This browser
account-session-end = Sign out
account-sessions-end-others = Sign out everywhere else
account-sessions-end-all = Sign out everywhere
account-policy-heading = Rule for administrators and agents
account-policy-on = Administrators and agents must use two-step sign-in.
account-policy-off = Administrators and agents may sign in with a password alone.
account-policy-turn-on = Require two-step sign-in for administrators and agents
account-policy-turn-off = Stop requiring two-step sign-in
account-totp-setup-title = Set up two-step sign-in
account-totp-step-scan = Scan this code with an authenticator app (such as FreeOTP, Aegis or Google Authenticator), or type the key below into it.
account-totp-step-type = Type the six-digit code the app then shows, to show that it works.
account-totp-qr-label = QR code to scan with an authenticator app
account-totp-secret = Key:
account-totp-confirm = Turn on
account-totp-code-wrong = That code is not right. Check that the phone's clock is correct and type the code the app shows now.
account-back = Back to your account
account-codes-title = Your recovery codes
account-totp-now-on = Two-step sign-in is on.
account-codes-intro = Keep these codes somewhere safe, away from your phone. Each works once, in place of a code from the app, if you lose the phone. They are shown only now; earlier codes no longer work.
account-codes-done = I have saved them

## Administrators: our people's accounts
users-title = People and roles
users-intro = Everyone who can sign in here. A new person gets a mail with a single-use link to choose a password; so does a person whose password is reset.
users-role = Role
users-tenant = Tenant
users-tenant-hint = Only for a tenant administrator, who sees nothing of other tenants.
users-state = State
users-added = Added
users-state-active = active
users-state-waiting = waiting for a password
users-state-disabled = disabled
users-reset = Mail a new link
users-disable = Disable
users-add-heading = Add a person
users-lang = Language of the mail
users-add = Add and mail the link
users-done-added = { $email } was added and a link to choose a password is on its way.
users-done-disabled = { $email } is disabled: the account, its sessions and its links no longer work.
users-done-reset = A new link to choose a password is on its way to { $email }.
users-bad-email = That is not an email address.
users-bad-role = Choose one of the roles.
users-missing = { $what } does not exist.
users-needs-tenant = A tenant administrator needs a tenant: choose one.
users-tenant-for-role = Only a tenant administrator belongs to a tenant; leave the tenant empty for this role.
users-unknown-tenant = There is no tenant { $tenant }.
users-exists = There is already an account { $email }.
users-not-yourself = You cannot disable your own account here; ask another administrator.

## Support tickets
tickets-title = Support tickets
tickets-state = State
tickets-active = Not resolved or closed
tickets-reason = Reason
tickets-assignee = Assigned to
tickets-anyone = Anyone
tickets-me = Me
tickets-nobody = Nobody
tickets-older = Opened more than this many days ago
tickets-unread = Only with a new reply
tickets-search = Search
tickets-filter = Show
tickets-reference = Ticket
tickets-sender = Sender
tickets-opened = Opened
tickets-updated = Last change
tickets-new-reply = new reply
tickets-none = No tickets match.
tickets-back = All tickets
ticket-state-new = new
ticket-state-open = open
ticket-state-waiting-sender = waiting for the sender
ticket-state-waiting-tenant = waiting for the tenant
ticket-state-resolved = resolved
ticket-state-closed = closed
ticket-new-title = Open a ticket for a sender
ticket-new-intro = For a sender whose mail to your users we refuse, when the sender's own steps did not help. Give the sending IP address or the sending domain (or both), how to reach the sender, and the bounce they received.
ticket-ip = Sending IP address or range
ticket-ip-hint = As in the bounce, such as 192.0.2.7.
ticket-domain = Sending domain
ticket-contact = The sender's contact address
ticket-contact-hint = Usually their postmaster or abuse address. We may write to them directly.
ticket-bounce = The bounce
ticket-bounce-hint = Paste the whole bounce message, or at least the line with the status code (such as 550 5.7.611).
ticket-description = What happened, and what the sender already tried
ticket-open = Open the ticket
ticket-bad-ip = The IP address or range is not valid.
ticket-bad-domain = The sending domain is not a valid domain name.
ticket-need-sender = Give the sending IP address or the sending domain.
ticket-bad-contact = The sender's contact address is not an email address.
ticket-need-bounce = Paste the bounce the sender received.
ticket-bounce-too-long = The bounce is too long; paste at most { $max } characters.
ticket-need-description = Say what happened.
ticket-description-too-long = The text is too long; at most { $max } characters.
ticket-need-message = The message is empty.
ticket-title = Ticket { $reference }
ticket-summary = { $state } · tenant { $tenant } · opened by { $opener } on { $opened }
ticket-opened = Ticket { $reference } is open. Our support will answer here, and by mail.
ticket-done-reply = The reply is sent.
ticket-done-note = The note is added; only agents see it.
ticket-done-state = The state is changed.
ticket-done-assign = The assignment is changed.
ticket-done-act = Done, and recorded in the ticket's history and the audit log.
ticket-sender-heading = The sender
ticket-thread = Messages
ticket-internal = internal note
ticket-by-mail = by mail
ticket-reply = Reply
ticket-then = Then the ticket is
ticket-send = Send the reply
ticket-note = Internal note (only agents see it)
ticket-add-note = Add the note
ticket-closed = This ticket is closed and takes no more messages.
ticket-work = Working on the ticket
ticket-set-state = Change the state
ticket-assign = Assign
ticket-no-such-agent = Tickets are assigned to active agents and administrators only.
ticket-actions = Actions
ticket-act-delist = Delist { $ip }
ticket-act-reason = Change the listing's reason to
ticket-act-extend = Extend the listing by days
ticket-act-allow = Allowlist { $ip }
ticket-act-lift-ban = Lift the ban of the sender address
ticket-act-apply = Apply
ticket-act-not-listed = There is no listing of exactly this IP address or range (it may be covered by a wider one).
ticket-act-bad-reason = Choose one of the reasons.
ticket-act-bad-days = Give a number of days from 1 to 3650.
ticket-act-no-ban = There is no ban of that sender address.
ticket-act-release = Release our restricted sender (address)
ticket-act-no-restriction = There is no restriction of that sender of ours.
ticket-act-unknown = That action is not available for this ticket.
ticket-no-text = (No text: the reply was only an attachment; it is kept with the mail.)
ticket-ip-not-listed = { $ip } is not on our list now.
ticket-ip-not-listed-next = Mail from it is not refused by our list; if it still bounces, the bounce names another cause.
ticket-history = History

## Tickets: the IP owner's invitation and the mail of a ticket
ticket-done-invite = The invitation is on its way.
ticket-done-revoke = The invitation is withdrawn; its link and session no longer work.
ticket-parties = Who takes part
ticket-party-tenant = tenant administrator
ticket-party-owner = IP owner
ticket-party-joined = joined
ticket-party-until = until { $until }
ticket-party-ended = withdrawn or expired
ticket-party-revoke = Withdraw
ticket-invite-address = Invite the IP owner (address)
ticket-invite-days = Valid for days
ticket-invite = Invite
invite-bad-address = That is not an email address we can send to.
invite-bad-days = An invitation is valid for 1 to 90 days.
invite-title = Invitation to a ticket
invite-unknown = This link is not valid. Check that you copied all of it.
invite-used = This link was already used: it works once. Reply to our mail instead, or ask us for a new invitation.
invite-expired = This invitation has expired. Reply to our mail to ask for a new one.
invite-revoked = This invitation was withdrawn.
invite-no-session = Open the link in your invitation mail first; this page belongs to the browser that opened it.
owner-intro = You were invited to this ticket as { $address }, as the owner of the sender's IP addresses. You see its public messages and can reply.
owner-state = The ticket is { $state }.
owner-by-mail = You can also reply to any of our mails about this ticket.
mail-ticket-subject = New message on ticket { $reference }
mail-ticket-reply-hint = Write your reply above this mark, or open the ticket with the link below.
mail-ticket-intro = { $author } wrote on ticket { $reference }:
mail-ticket-open = Ticket { $reference }:
mail-invite-subject = You are invited to ticket { $reference }
mail-invite-body = Our support asks you, as the owner of { $ip }, to take part in ticket { $reference } about mail from your network. Open this link to read the ticket and reply:
mail-invite-once = The link works once, in the browser where you open it, for { $days } days. You can also reply to this mail.

## What a sender asks the recipient's administrator for
ask-admin-title = Ask the recipient's administrator to open a ticket
ask-admin-body = We cannot lift this block on your word alone, and we take tickets only from our own customers: the administrator of the mailbox you are writing to is one. Ask them to open a ticket for you; our support then answers them and may write to you directly.
ask-admin-step-who = Find the administrator of the recipient's mail (their IT department or postmaster).
ask-admin-step-send = Send them this link: it opens the ticket form for them, already filled in with what we know.
ask-admin-include = Give them the full bounce you received, what you found, what you changed, and how to reach you.

## The operator console: overview and audit log
admin-title = Console
admin-tickets = Open tickets: { $open }; with a reply not yet read: { $unread }.
admin-audit = Every change, who made it, from where, before and after.
admin-listings-title = Blocked-senders list
admin-listings = Active listings: { $count }.
admin-cases-title = Abuse cases
admin-cases = Open cases: { $count }.
admin-mail-title = Mail queue
admin-mail = Mails waiting to be sent: { $count }.
audit-title = Audit log
audit-intro = Every change to listings, policy entries, reports, tenants, users, tickets and account settings, newest first. Search by who, what and when; the same search downloads as CSV.
audit-actor = Who
audit-action = Action
audit-subject = Object
audit-from = From day
audit-to = To day
audit-when = When
audit-address = Address
audit-before = Before
audit-after = After
audit-csv = Download this search as CSV
audit-older = Older records
audit-none = No records match.
audit-bad-from = The first day is not a date (YYYY-MM-DD).
audit-bad-to = The last day is not a date (YYYY-MM-DD).
audit-bad-before = The page is not a record number.

## The console: policy entries
policy-title = Policy entries
policy-intro = What the Postfix policy service decides besides the list: ranges never blocked (allowlist), sender addresses refused with 5.7.511, and our own senders refused with 5.1.8. A change takes effect within a second and is recorded in its history and the audit log.
policy-kind = Kind
policy-all = All kinds
policy-kind-allow = allowlisted range
policy-kind-sender-ban = banned sender
policy-kind-restriction = restricted sender of ours
policy-key = Range or address
policy-key-hint = A range or IP for the allowlist; user@domain or @domain for a ban; user@domain for one of our senders.
policy-reason = Reason (for a ban)
policy-note = Note
policy-since = Since
policy-remove = Remove
policy-none = No entries.
policy-add-heading = Add an entry
policy-add = Add
policy-done-added = The entry is added.
policy-done-removed = The entry is removed.
policy-bad-kind = Choose a kind.
policy-bad-key-allow = That is not an IP address or range.
policy-bad-key-sender-ban = A ban needs user@domain or @domain.
policy-bad-key-restriction = A restriction needs one of our senders' addresses, user@domain.
policy-not-there = There is no such entry.

## The console: listings
listings-title = Listings
listings-intro = Search the blocked-senders list: an IP finds every listing whose range holds it; or choose reason, state, source and listing days.
listings-ip = IP address
listings-source = Source
listings-bad-filter = A filter has a value that is not one of its choices, or a day that is not a date (YYYY-MM-DD).
listings-edit = Change the listing
listings-expires-hint = The last day it is listed; empty for no end.
listings-self-delist = The sender may remove it through the portal
listings-save = Save
listings-delist = Delist now
listings-done-edit = The listing is changed; the DNSBL and the policy service answer so within a second.
listings-done-delist = The range is delisted; the DNSBL and the policy service answer so within a second.
listings-not-active = This listing has ended; it can no longer be changed.
listings-bad-expiry = The expiry is not a date (YYYY-MM-DD).
listings-expiry-past = The expiry must be in the future.
listing-state-active = active
listing-state-delisted = delisted
listing-state-expired = expired
listing-source-operator = operator
listing-source-import = import
listing-source-reports = abuse reports
listing-source-trap = spam trap
