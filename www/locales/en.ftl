# The field app's words in English: the source every other catalog translates.
# Project Fluent syntax (https://projectfluent.org/): `id = text`, { $name } arguments,
# plurals as { $n -> [one] … *[other] … }. Messages may hold <strong>, <em>, <code> and
# <a> (the page's own link of that rank). The error table's English is crate/src/error_table.rs.

## The page (www/index.html: data-i18n)

update = Update available —
reload = reload
tabs-aria-label = Screens
tabs-2 = Sign
tabs-3 = Outbox
tabs-4 = Health
tabs-5 = Backup
tabs-6 = Help
loading = Loading…
enroll-title = Set up this device
enroll-1 = Enter the enrollment code from your administrator. You need a connection for this step only.
enroll-form-1 = Enrollment code
scan = Scan the QR code
camera-aria-label = Camera, looking for the enrollment QR code
new-identity-1 = Your name
new-identity-2 = Choose a PIN (at least 6 digits)
new-identity-3 = PIN again
pending-pin-1 = Your PIN
enroll-form-2 = Enroll
enroll-2 = New phone or a wiped browser? <a>Restore from a backup</a>
unlock-title = Unlock
unlock-form-1 = Who is signing
unlock-form-2 = PIN
unlock-form-3 = Unlock
unlock-1 = <a>Forgot your PIN?</a> · <a>Enroll again with a new code</a> (forgotten PIN, expired or replaced key)
unlock-2 = A shared device? <a>Add a worker</a>: each has their own key, PIN and outbox, and one is unlocked at a time.
remove-worker-1 = Remove a worker from this device
remove-worker-2 = The worker chosen above loses their key on this device and can no longer sign here. What was sent stays safe at the office.
remove-ask = Remove the chosen worker…
remove-keep = Keep
sign-title = Sign a document
signing-as = Signing as
switch-worker = Switch worker
form-choice-box = Form
required = (required)
pad-aria-label = Signature pad: draw with a finger, stylus or mouse
pad-undo = Undo
pad-clear = Clear
pad-full = Full screen
handoff = Hand to the customer
preview-1 = Preview what will be signed
sign-button = Sign
handback-hold = Give back to the worker (hold 1 s)
handback-form-1 = Worker's PIN
handback-form-2 = Take the device back
signed-title = Signed
signed-1 = What
signed-2 = Time
signed-3 = Record
sign-another = Sign another
signed-open = Open in the outbox
outbox-title = Outbox
outbox-1 = Search by reference
outbox-2 = Show
sync-now = Send now
record-title = Record
record-1 = <a>← Back to the outbox</a>
record-pad-1-alt = The customer's handwritten signature
record-pad-2 = Handwritten signature (its digest is in the signed record)
bundle-button = Save the evidence bundle (.zip)
record-technical-1 = For support: the signed record and its receipt
health-title = Health
health-details-1 = Details: every check
feedback-form-1 = Something went wrong? Tell us
feedback-form-2 = Send feedback
feedback-done = Thank you — it will be sent with the next sync.
backup-title = Backup
export-form-1 = Save a backup
export-form-2 = Passphrase for the backup file (at least 8 characters)
export-form-3 = Passphrase again
export-form-4 = Export to a file
import-form-1 = Restore from a backup
import-form-2 = Backup file
import-form-3 = Its passphrase
import-form-4 = Import
help-title = Help
help-first-day-1 = Your first day
help-first-day-2 = Ask your administrator for an enrollment code (a link, a QR code or 12 letters).
help-first-day-3 = Open the app while you have signal, enter the code, your name and a PIN you will remember. Nobody else can reset it.
help-first-day-4 = Add the app to your home screen: it then opens without signal.
help-first-day-5 = On <strong>Backup</strong>, save a backup and keep the file and its passphrase apart.
help-no-signal-1 = Signing with no signal
help-no-signal-2 = Sign as usual: each record is saved on this device the moment you sign.
help-no-signal-3 = The outbox shows it as <em>waiting</em>. It is sent by itself when signal returns; <strong>Send now</strong> tries at once.
help-no-signal-4 = Where the browser can (Health says "background sync available"), it is sent even if you close the app; elsewhere, open the app when you have signal.
help-refused-1 = A record the server refused
help-refused-2 = Open it in the <strong>Outbox</strong>: it says why and what to do.
help-refused-3 = It stays on this device; do not sign it again until your administrator has looked.
help-new-phone-1 = A new phone
help-new-phone-2 = On the old phone, send everything (Outbox: nothing waiting), then save a backup.
help-new-phone-3 = On the new phone, open the app and choose <strong>Restore from a backup</strong>, with the file and its passphrase.
help-new-phone-4 = No backup? Ask your administrator for a new enrollment code and set up again: your sent records are safe on the server.
help-forgot-1 = A forgotten PIN
help-forgot-2 = Nobody can read or reset your PIN, not even your administrator: it seals your key on this device.
help-forgot-3 = After several wrong tries the app makes you wait; the countdown is on the Unlock screen.
help-forgot-4 = If it is truly lost: ask your administrator for a new enrollment code, then on the Unlock screen choose your name and <strong>Enroll again with a new code</strong>. You choose a new PIN for a new key; the records still waiting under the old one are sent as before (unless the office reports the key as stolen), and the office sees one history. A backup (it has its own passphrase) also brings the old key back.
codes-title = What each message means
filter-all = all
filter-waiting = waiting
filter-sent = sent
filter-refused = refused

## The app: enrolling, unlocking, the crew, backups (www/app.js)

add-worker-title = Add a worker to this device
enroll-again-title = Enroll again: { $name }
replacing-note = You get a new key and choose a new PIN. The records still waiting under { $name }'s old key are sent as before, and the office sees one history.
pending-note = Your name ({ $name }) and PIN are saved on this device: only a valid enrollment code is needed now.
type-code = Type the enrollment code: 12 letters and digits, like ABCD-EFGH-JKMN.
type-pin = Type your PIN.
type-name = Type your name.
pin-short = Choose a PIN of at least 6 digits.
pins-differ = The two PINs differ. Type the same PIN twice.
storage-kept = This browser will keep your signatures even when space runs low.
storage-not-kept = This browser may clear stored data when space runs low: sync often.
camera-closed = The camera could not be opened ({ $why }). Allow the camera for this app, or type the code.
no-qr = No enrollment QR code was seen. Hold the code steady in view, or type it.
write-comment = Write what went wrong first.
no-failure = No failure has been recorded on this device, so there is nothing to attach your words to.
passphrase-short = Choose a passphrase of at least 8 characters.
passphrases-differ = The two passphrases differ. Type the same passphrase twice.
pick-backup = Pick the backup file first.
type-passphrase = Type the backup's passphrase.
imported = Imported { $identities } identities, { $records } records ({ $skipped } were here already) and { $files } documents and images not yet sent.
remove-unsent = { $count ->
        [one] { $name } has 1 record not sent yet. Connect and send it first (Outbox, Send now), or remove it with { $name }: the office never had it, and it is lost.
       *[other] { $name } has { $count } records not sent yet. Connect and send them first (Outbox, Send now), or remove them with { $name }: the office never had them, and they are lost.
    }
remove-all-sent = Everything { $name } signed here has reached the office. Removing deletes the key and the copies on this device.
remove-confirm = { $count ->
        [0] Remove { $name }
        [one] Remove { $name } and 1 unsent record
       *[other] Remove { $name } and { $count } unsent records
    }
next-try = Next try in { $wait }. Keep the app open: the wait counts while it is.

## The app: backups, the crew (www/app.js)

backup-holds = It holds your identity (its key still sealed under your PIN), your records and failure reports. Files the office has already received are safe there and are not in it.
backup-holds-files = It holds your identity (its key still sealed under your PIN), your records and failure reports, and the documents and signature images not yet sent to the office: { $files }. Files the office has already received are safe there and are not in it.
backup-saving = Your browser is saving the backup as "{ $name }" ({ $kb } KB) where it puts downloads, usually the Downloads folder. Copy it off this device, and keep the file and its passphrase apart.
removed = { $name } was removed from this device.

## Problems (www/ui.js)

support-code = Code for support: { $code }

## The header (www/app.js)

online = Online
offline = Offline
language-label = Language

## The sign screen (www/signing.js)

state-sending = Saved on this device. Sending…
not-signed = Not signed. { $why }
not-signed-parts = { $count ->
        [one] Not signed: 1 part of the form needs you (marked above).
       *[other] Not signed: { $count } parts of the form need you (marked above).
    }
nothing-to-sign = Nothing to sign yet: take a photo, fill in the form or sign on the pad.
form-changed = The form changed after the customer signed: hand the device to them again to sign what it says now.
location-needed = Your location could not be found ({ $why }), and this form needs it. Allow location for this app, and try again outdoors.
location-failed = Your location could not be found ({ $why }). Try again outdoors, or untick "{ $label }" to sign without it.
state-saved = Saved on this device.
state-sent = Sent ✓ — the server has it; its receipt is kept on this device.
state-refused = Refused by the server. Open it in the outbox to see why; it stays on this device.
later-background = It is sent when the connection returns, even if you close the app.
later-open = It is sent when the connection returns while the app is open, or the next time you open it.
state-offline = Saved on this device. No connection now. { $later }
state-not-sent = Saved on this device, not sent yet. { $later }
state-not-sent-because = Saved on this device, not sent yet: { $why } { $later }
signed-by = Signed by { $name }
pad-done = Done
please-sign = Please sign for:
handback-pin = Type the worker's PIN, or hold the button for a second.

## Forms (www/forms.js)

receipt-title = Delivery receipt
receipt-recipient = Recipient
receipt-reference = Reference
receipt-notes = Notes
receipt-photo = Document or photo
receipt-location = Add my location
receipt-signature = Customer's signature
need-photo = Take a photo or pick the document: this form needs one.
need-signature = The customer has not signed yet: ask them to sign on the pad.
need-tick = Tick this to go on: { $label }.
need-choice = Choose one: { $label }.
need-answer = Fill in: { $label }.

## Forms: answers that do not fit (www/forms.js)

choose-none = —
bad-number = { $min ->
        [none] { $max ->
            [none] { $label }: a number.
           *[other] { $label }: a number at most { $max }.
        }
       *[other] { $max ->
            [none] { $label }: a number at least { $min }.
           *[other] { $label }: a number at least { $min } and at most { $max }.
        }
    }
bad-date = { $label }: a date that exists.
bad-text = { $label }: at most { $max } characters.
bad-answer = { $label }: this answer does not fit the form.

## The outbox and a record (www/outbox.js)

bundle-saving = Your browser is saving "{ $name }" ({ $kb } KB) where it puts downloads. It holds the signed record, its certificate and receipt, the document and the signature: anyone can check it, without a connection, on the verify page ({ $page }) or with "offsign verify-bundle".
row-sent = Sent ✓
row-refused = Refused
row-offline = Waiting for a connection
row-sending = Sending…
row-waiting = Waiting to be sent
outbox-waiting = { $count ->
        [one] 1 record waiting to be sent.
       *[other] { $count } records waiting to be sent.
    }
outbox-nothing-waiting = Nothing waiting: the server has every record.
outbox-whose = { $name }'s records.
outbox-background = This browser sends them in the background when a connection returns, even if you close the app.
outbox-while-open = This browser sends them only while the app is open: open it when you have a connection.
outbox-refused = { $count ->
        [one] 1 record refused by the server: open it to see why.
       *[other] { $count } records refused by the server: open them to see why.
    }
row-for = For { $name }
row-document = Document
no-match = No record with a reference containing "{ $query }".
list-empty = No record in this list.
nothing-signed = Nothing signed yet on this device.
older-not-shown = { $count } older records not shown: search by reference to find one.
last-sent = Last sent: { $when }
never = never
unknown = unknown
send-offline = No connection: the records wait on this device and are sent when the connection returns.
sending-count = { $count ->
        [one] Sending 1 record…
       *[other] Sending { $count } records…
    }
checking = Checking with the server…
sent-count = { $count ->
        [one] Sent 1 record.
       *[other] Sent { $count } records.
    }
duplicate-count = { $count ->
        [one] 1 record the server had already.
       *[other] { $count } records the server had already.
    }
refused-count = { $count ->
        [one] 1 record refused: open it to see why.
       *[other] { $count } records refused: open them to see why.
    }
renewed = Your certificate was renewed.
forms-updated = New forms from the office are ready to sign.
nothing-to-send = Nothing to send: the server has every record.
not-sent = Not sent: { $why }
yes = Yes
no = No
record-not-found = Record not found
record-not-here = No record with this id is on this device.
signed-for = Signed for { $name }
support-code-message = Code for support: { $code } ({ $message })
field-document = Document
bytes = { $count } bytes
field-signed = Signed
field-location = Location
field-received = Received by the server
tech-id = Record id
tech-seq = Number in the chain
tech-sha256 = Document SHA-256
tech-hash = Record hash
tech-certificate = Certificate
tech-receipt = Receipt
tech-no-receipt = none yet
signed-photo = The signed photo: { $name }
open-document = Open the document ({ $name })

## Health and Help (www/health.js)

check-randomness = Secure random numbers
check-storage_writable = Saving on this device
check-storage_persistent = Kept when space runs low
check-storage_headroom = Free space
check-certificate = Certificate
check-revocation_list = List of revoked certificates
check-clock = Clock
check-identity = Identity
check-pending_records = Records waiting
check-pending_evidence = Documents waiting
check-rejected_records = Refused records
check-clock_offset = Clock against the server
check-last_sync = Last sent
check-version = App version
check-background_sync = Sending after the app is closed
check-offline_app = Opens without a connection
check-of = { $check } ({ $who })
background-sync-yes = background sync available: records are sent even after the app is closed
background-sync-no = background sync: not in this browser
background-sync-remedy = Records are sent while the app is open (at start, when the connection returns, every 5 minutes). Open the app when you have signal.
offline-ready = ready: the app opens with no network
offline-not-yet = not yet
offline-remedy = Open the app once more while online so that it can work offline.
needs-attention = Needs attention:
ready = Ready to sign
ready-once-unlocked = Ready to sign once unlocked
more-below = And { $count } more below.
status-ok = OK
status-warn = Warning
status-fail = Problem
code = Code: { $code }

## Where the worker is (www/signing.js)

no-geolocation = this browser cannot tell where it is
no-position-15 = no position within 15 seconds
no-position = no position
location-denied = this app may not use your location
no-fix = the device has no position fix
no-position-10 = no position within 10 seconds

## Practice mode and the first run (www/index.html, www/practice.js)

practice-banner = Practice: nothing you sign here is sent to the office.
practice-leave = Leave practice
practice-first = New to offsign? <a>Practice first</a>: sign sample documents and meet each problem and its remedy; nothing is sent.
first-run-title = Your first signature, in four steps
first-run-1 = Fill in the form; the parts marked (required) must be there.
first-run-2 = Hand the device to the customer, or let them sign on the pad.
first-run-3 = Tap <strong>Sign</strong>: the record is saved on this device at once, with or without signal.
first-run-4 = The <strong>Outbox</strong> shows when the office has it. A problem always says what to do.
first-run-practice = Practice first
first-run-done = Got it
practice-stage = Practice a problem
stage-none = none: sign normally
stage-expired = an expired certificate
stage-revoked = a revoked certificate
stage-clock = the device's clock is wrong
stage-storage = the device's storage is full
practice-enroll-title = Practice: choose a name and a PIN
practice-enroll-note = No code is needed: this practice identity stays on this device and nothing it signs is sent.
practice-authority = Practice office
practice-kept = Practice: kept on this device, never sent.
practice-not-sent = Practice: nothing is sent to the office. Leave practice to send real records.

## Each worker's own Health and backup (www/health.js, www/app.js)

health-whose = Checks of { $name }'s key and of this device.
backup-whose = A backup holds one worker: { $name }, the worker unlocked now. Each worker of the crew saves their own.
