// Every code a user can meet: on the device, from the server, in the app. Each row: the
// variant, its stable string, its severity, a summary for developers and the help page, and
// the remedy a field worker reads. Included by `error.rs` (the `ErrorCode` enum) and by
// `build.rs` (the TypeScript union); a string never changes once released. `device` codes are
// raised on the device (some the server answers with too); `server` codes only the server
// answers with: a record's or report's rejection, or a refused request; `app` codes only an app
// raises (the field app in `www/`), for what it checks before it calls the device.
error_codes! {
    device {
        /// The PIN or passphrase does not open the sealed key.
        WrongPin = "wrong_pin", Error,
            "The PIN or passphrase does not open this key.",
            "Check your PIN and try again. After several wrong tries you must wait before the next one.";
        /// A new PIN or passphrase is too short to seal a key with.
        PinTooShort = "pin_too_short", Error,
            "The PIN or passphrase is shorter than the minimum length.",
            "Choose a PIN of at least 6 digits, or a longer passphrase.";
        /// Too many wrong PINs: the next try must wait.
        PinLockedOut = "pin_locked_out", Error,
            "Too many wrong PINs; the next try must wait.",
            "Too many wrong PINs. Wait for the countdown to end before the next try. Nobody can reset a PIN: if it is forgotten, ask your office for a new enrollment code and choose Enroll again (the records waiting on this device are still sent), or restore a backup.";
        /// The passphrase does not open the backup.
        WrongPassphrase = "wrong_passphrase", Error,
            "The passphrase does not open this backup.",
            "Check the backup's passphrase (it is not your PIN) and try again.";
        /// The identity was locked; its key is no longer in memory.
        IdentityLocked = "identity_locked", Error,
            "The identity is locked and its key has been wiped from memory.",
            "Unlock with your PIN, then sign again.";
        /// No identity with this key id is stored on the device.
        IdentityNotFound = "identity_not_found", Error,
            "No identity with this key id is stored on this device.",
            "Choose your name from the list, or set up this device again.";
        /// An identity to remove still has records the server has not had: nothing was removed.
        UnsentRecords = "unsent_records", Error,
            "The worker has records on this device that the server has not received; nothing was removed.",
            "Send them first (Outbox, Send now, with a connection), or confirm that they are deleted with the worker.";
        /// No failure report with this id is stored on the device.
        ReportNotFound = "report_not_found", Error,
            "No failure report with this id is stored on this device.",
            "Open the Health page again and choose the problem from the list.";
        /// The device keeps no record with this id.
        RecordNotFound = "record_not_found", Error,
            "This device keeps no record with this id.",
            "Open the outbox and choose the record from the list. Records the server accepted long ago may have been removed from this device: ask your office for them.";
        /// The device keeps no document or signature image of this kind for the record.
        EvidenceNotFound = "evidence_not_found", Error,
            "This device keeps no such document or signature image for the record.",
            "It was signed on another device, before this app kept documents, or it was freed after the server stored it: ask your office for the record's evidence bundle.";
        /// The server refused a document or signature image a record signs.
        EvidenceRefused = "evidence_refused", Error,
            "The server refused a document or signature image: it does not match its record, or is larger than the server takes.",
            "The signed record is safe on the server; the file itself stays on this device. Send feedback from the Health page so your administrator can collect it.";
        /// The identity has no certificate yet, so it cannot sign.
        NotEnrolled = "not_enrolled", Error,
            "This identity has no certificate yet.",
            "Connect to the internet and enroll with the code from your administrator.";
        /// A fresh signature did not verify twice in a row, so nothing was stored.
        SelfCheckFailed = "self_check_failed", Error,
            "A new signature failed its own verification twice; nothing was stored.",
            "Close the app completely, open it again and sign again. If it happens again, send feedback from the Health page.";
        /// The device cannot produce secure random numbers.
        RandomnessUnavailable = "randomness_unavailable", Error,
            "Secure randomness (crypto.getRandomValues on a device, the OS on the server) is not available.",
            "Update your browser, or use another browser or device.";
        /// The certificate is not signed by the pinned authority, or is not for this key.
        CertUntrusted = "cert_untrusted", Error,
            "The certificate is not signed by the trusted authority or does not belong to this key.",
            "Enroll this device again with a new code from your administrator.";
        /// The certificate's validity has not begun.
        CertNotYetValid = "cert_not_yet_valid", Error,
            "The certificate is not valid yet.",
            "Check that your device's date and time are correct, or wait until the certificate becomes valid.";
        /// The certificate has expired.
        CertExpired = "cert_expired", Error,
            "The certificate has expired.",
            "Ask your office for a new enrollment code and choose Enroll again on the unlock screen: you get a new key on this device, and records you signed before the certificate expired are still sent.";
        /// The certificate is on the authority's revocation list.
        CertRevoked = "cert_revoked", Error,
            "The certificate was revoked (superseded, or the worker left): records signed before still count.",
            "You can no longer sign with this key. Records you signed before it was revoked are still sent. Ask your office for a new enrollment code and choose Enroll again on the unlock screen.";
        /// The key was revoked as compromised (or with no reason given): every record under
        /// its certificate is refused, also those signed before the revocation.
        KeyCompromised = "key_compromised", Error,
            "The key was revoked as compromised, or with no reason given: every record signed with it is refused.",
            "Records signed with this key are refused by the server, also those still waiting on this device. Ask your office for a new enrollment code, choose Enroll again, and sign those documents again with the new key.";
        /// The certificate expires soon (warning).
        CertExpiring = "cert_expiring", Warning,
            "The certificate expires soon.",
            "Connect to the internet and open the app so that your certificate is renewed.";
        /// The revocation list is past its next update time, or missing (warning).
        RevocationListStale = "revocation_list_stale", Warning,
            "The revocation list is out of date or missing.",
            "Connect to the internet and open the app to bring it up to date.";
        /// The revocation list is not signed by the pinned authority.
        RevocationListUntrusted = "revocation_list_untrusted", Error,
            "The revocation list is not signed by the trusted authority.",
            "Connect to the internet and open the app to fetch a new list, or ask your administrator.";
        /// The device clock is earlier than the last signature.
        ClockSkew = "clock_skew", Error,
            "The device clock is earlier than the time of the last signature.",
            "Set your device's date and time correctly (automatic time is best), then sign again.";
        /// A signature does not verify.
        BadSignature = "bad_signature", Error,
            "The signature is invalid.",
            "The record was changed or signed with another key. Do not trust it; ask your administrator.";
        /// A record is signed by another key than the one it is checked against.
        KeyMismatch = "key_mismatch", Error,
            "The record names another key than the one it was checked against.",
            "Check the record against the public key of the worker who signed it.";
        /// A record does not follow the record it is said to follow.
        ChainBroken = "chain_broken", Error,
            "The record does not follow the given previous record (hash or sequence number differ).",
            "A record is missing or was changed. Keep all records and ask your administrator.";
        /// The algorithm in a JWS header is not Ed25519.
        UnsupportedAlgorithm = "unsupported_algorithm", Error,
            "The JWS algorithm is not Ed25519 (or the older EdDSA name for it).",
            "Use a record signed by offsign or another Ed25519 JOSE signer.";
        /// A JWS compact serialization could not be parsed.
        MalformedJws = "malformed_jws", Error,
            "The JWS is not a well-formed compact serialization.",
            "The data is damaged or not a signed record. Ask your administrator.";
        /// A JSON Web Key could not be parsed or is not an Ed25519 key.
        MalformedJwk = "malformed_jwk", Error,
            "The JWK is not a well-formed Ed25519 (OKP) key.",
            "Use the key file exactly as offsign wrote it.";
        /// A record payload does not have the offsign record format.
        MalformedRecord = "malformed_record", Error,
            "The record payload does not have the offsign record format.",
            "The data is damaged or not an offsign record. Ask your administrator.";
        /// A certificate does not have the offsign certificate format.
        MalformedCertificate = "malformed_certificate", Error,
            "The certificate does not have the offsign certificate format.",
            "Enroll this device again with a new code from your administrator.";
        /// A revocation list does not have the offsign format.
        MalformedRevocationList = "malformed_revocation_list", Error,
            "The revocation list does not have the offsign format.",
            "Connect to the internet and open the app to fetch a new list.";
        /// A sealed key is damaged or of an unknown format.
        MalformedSealedKey = "malformed_sealed_key", Error,
            "The sealed key is damaged or of an unknown format.",
            "Restore your identity from a backup, or enroll this device again.";
        /// A backup file is damaged, truncated, foreign, or its records do not verify.
        MalformedBackup = "malformed_backup", Error,
            "The backup file is damaged, truncated or not an offsign backup; nothing was imported.",
            "Use another copy of the backup file, or ask your administrator.";
        /// The device's storage is full; nothing was written.
        StorageFull = "storage_full", Error,
            "The browser's storage for this app is full; nothing was written.",
            "Connect to the internet so that sent records can be cleared, free space on the device, or ask your administrator.";
        /// The device's storage cannot be opened or written.
        StorageUnavailable = "storage_unavailable", Error,
            "Storage cannot be opened or written: the browser's IndexedDB, or the server's database.",
            "Close other tabs of this app and open it again. Private browsing may block storage; use a normal window.";
        /// The app called a `Device` after `free()`: its worker and every key it held are gone.
        DeviceClosed = "device_closed", Error,
            "This Device was freed (free()); its worker and every key it held are gone. Open a new one with Device.open().",
            "Close the app completely and open it again.";
        /// The Device's worker could not start, or its answer could not be read.
        DeviceUnavailable = "device_unavailable", Error,
            "The Device's worker could not start or answer: device_worker.js or offsign_device_bg.wasm is not served beside offsign.js, a content security policy forbids the worker (worker-src) or WebAssembly (wasm-unsafe-eval), or the browser stopped it.",
            "Close the app completely and open it again while online. If it happens again, tell your administrator.";
        /// The server could not be reached, or answered with a server error, after retries.
        ServerUnreachable = "server_unreachable", Warning,
            "The server could not be reached; nothing was lost.",
            "Your signatures are safe on this device and will be sent when the connection returns.";
        /// The server refused a whole request (not a record): the app and server disagree.
        ServerRefused = "server_refused", Error,
            "The server refused the request.",
            "Update the app (reload it while online), or ask your administrator.";
        /// The server refused an enrollment code (unknown, used or expired); nothing was issued.
        EnrollmentRefused = "enrollment_refused", Error,
            "The server refused the enrollment code; no certificate was issued.",
            "Ask your administrator for a new enrollment code.";
        /// The server's verdicts on records could not be verified with the pinned authority key;
        /// those records stay pending.
        AnswerUntrusted = "answer_untrusted", Error,
            "The server's answer could not be verified with this device's authority key; the records it named were not marked as sent.",
            "Your signatures are safe on this device and will be sent again. Ask your administrator: the server's key may have changed, or something on the network altered its answers.";
        /// The server refused a signed record; the record stays on the device, marked rejected.
        RecordRejected = "record_rejected", Error,
            "The server refused a signed record.",
            "Open the record in the outbox to see why, and ask your administrator. It stays on this device.";
        /// An argument has the wrong type, length or size.
        MalformedInput = "malformed_input", Error,
            "An argument has the wrong type, length, encoding or size.",
            "This is a problem in the app. Send feedback from the Health page.";
        /// A file offered as an evidence bundle is not one, or is damaged.
        MalformedBundle = "malformed_bundle", Error,
            "The file is not an offsign evidence bundle, or it is damaged or incomplete.",
            "Download the bundle again from the app or the console, and open it as it came (do not unpack and repack it).";
        /// A document is signed on a form this device does not hold (the device), or a record
        /// names a form or version the server does not hold (the server).
        FormUnknown = "form_unknown", Error,
            "The form, or that version of it, is not held here: on the device nothing was signed; on the server the record is refused.",
            "Connect to the internet and send (Outbox, Send now) so that the device gets the office's forms, then sign again; if the server refused a record, ask your administrator. The record stays on this device.";
        /// The answers do not fit the form they name (the device: nothing was signed; the
        /// server: the record is refused).
        FormAnswersInvalid = "form_answers_invalid", Error,
            "The answers do not fit the form they name: a required field is empty, or an answer is of the wrong kind.",
            "Fill in the marked parts, then sign. If the server refused a record for this, reload the app while online to get the newest forms, and tell your administrator.";
    }
    server {
        /// The server holds another record at the same place in this key's chain.
        ChainFork = "chain_fork", Error,
            "The server holds another record with this sequence number from this key.",
            "Two records claim one place in your chain (a restored backup, or one key on two devices). Ask your administrator; the record stays here.";
        /// The server holds another record with this record's id.
        IdConflict = "id_conflict", Error,
            "The server holds another record with this id.",
            "Ask your administrator; the record stays on this device.";
        /// The certificate a record or renewal names was not issued by this server.
        CertUnknown = "cert_unknown", Error,
            "The server did not issue the certificate named.",
            "Enroll this device again with a new code from your administrator.";
        /// A record's signing time is later than the server's time.
        SignedInFuture = "signed_in_future", Error,
            "The record's signing time is later than the server's time.",
            "Set your device's date and time correctly (automatic is best) and tell your administrator.";
        /// A record was signed before its certificate's validity began.
        CertNotYetValidAtSigning = "cert_not_yet_valid_at_signing", Error,
            "The record was signed before its certificate became valid.",
            "Set your device's date and time correctly (automatic is best) and tell your administrator.";
        /// A record was signed after its certificate expired.
        CertExpiredAtSigning = "cert_expired_at_signing", Error,
            "The record was signed after its certificate expired.",
            "Connect to the internet to renew your certificate, and tell your administrator.";
        /// A record was signed after its certificate was revoked (superseded, or the worker
        /// left); records signed before the revocation are accepted.
        CertRevokedAtSigning = "cert_revoked_at_signing", Error,
            "The record was signed after its certificate was revoked.",
            "Records signed after the revocation are refused. Ask your office for a new enrollment code, choose Enroll again, and sign the document again with the new key.";
        /// A form definition does not have the offsign form format, or would mislead.
        MalformedForm = "malformed_form", Error,
            "A form definition is not one offsign can ask: its JSON, fields, names or limits are wrong.",
            "The message says what is wrong. Correct the form's file and add it again; the form in use stays as it was.";
        /// An enrollment names a key to replace that is not one of the code's worker.
        ReplacedKeyUnknown = "replaced_key_unknown", Error,
            "The key this enrollment replaces is not one of the code's worker.",
            "Enroll again from the worker's own name on the unlock screen, or ask your administrator for a code for that worker.";
        /// A failure report does not have the offsign report format.
        MalformedReport = "malformed_report", Error,
            "The failure report does not have the offsign report format.",
            "Update the app (reload it while online).";
        /// The server will not certify a key of small order.
        WeakKey = "weak_key", Error,
            "The key is of small order or has a torsion component; it is not certified.",
            "The server refused this device's key. Update the app, or ask your administrator.";
        /// An enrollment proof is not by the key, or not for this code and challenge.
        ProofInvalid = "proof_invalid", Error,
            "The enrollment proof is not signed by the key, or is for another code or challenge.",
            "The server refused this device's key. Update the app, or ask your administrator.";
        /// An enrollment challenge is too old.
        ChallengeStale = "challenge_stale", Error,
            "The enrollment challenge is too old.",
            "The enrollment took too long, or the server's clock is off. Try again.";
        /// The server knows no such enrollment code.
        EnrollmentCodeUnknown = "enrollment_code_unknown", Error,
            "No such enrollment code.",
            "This code is not known. Check it letter by letter, or ask your administrator for a new one.";
        /// The enrollment code was used already.
        EnrollmentCodeUsed = "enrollment_code_used", Error,
            "The enrollment code was used already.",
            "This code was used already. Ask your administrator for a new one.";
        /// The enrollment code has expired.
        EnrollmentCodeExpired = "enrollment_code_expired", Error,
            "The enrollment code has expired.",
            "This code has expired. Ask your administrator for a new one.";
        /// A renewal request was made too long ago, or by a device whose clock is off.
        RequestStale = "request_stale", Error,
            "The request was made too long ago, or the device clock is off.",
            "Set your device's date and time correctly (automatic is best), then connect again.";
        /// The server could not read a request (JSON, members, sizes, batch length).
        MalformedRequest = "malformed_request", Error,
            "The server could not read the request: its JSON, members or sizes.",
            "Update the app (reload it while online), or ask your administrator.";
        /// A request's body is not declared as JSON.
        UnsupportedMediaType = "unsupported_media_type", Error,
            "The request's body is not application/json.",
            "Update the app (reload it while online), or ask your administrator.";
        /// Too many requests from one address, or reports from one key in a day.
        RateLimited = "rate_limited", Warning,
            "Too many requests from this address, or reports from this key today.",
            "Nothing is lost; the app tries again later by itself.";
        /// A request for /metrics without its bearer token.
        Unauthorized = "unauthorized", Error,
            "The request needs the server's bearer token.",
            "Give the monitoring tool the token the server was started with (--metrics-token).";
        /// A console page or request without a session.
        LoginRequired = "login_required", Error,
            "The console needs a session: log in first (or the session has ended).",
            "Log in to the console again.";
        /// A console login with a wrong name or password.
        LoginRefused = "login_refused", Error,
            "Wrong name or password.",
            "Check the name and the password. After several wrong passwords the account is locked for a while; an administrator can send a new setup link.";
        /// Too many wrong passwords: the console account is locked for a while.
        LoginLocked = "login_locked", Error,
            "Too many wrong passwords: the account is locked for 15 minutes.",
            "Wait 15 minutes and try again, or ask an administrator for a new setup link (offsign-server admin add).";
        /// A console change without its session's CSRF token.
        CsrfRefused = "csrf_refused", Error,
            "The change did not carry this session's form token; nothing was changed.",
            "Reload the console page and make the change again.";
        /// An auditor's account asked for a change.
        RoleRefused = "role_refused", Error,
            "An auditor's account sees everything and changes nothing.",
            "Ask an administrator to make the change.";
        /// The server cannot sign a revocation list now (too many serials).
        RevocationListUnavailable = "revocation_list_unavailable", Warning,
            "The server cannot sign a revocation list now.",
            "Nothing is lost. Ask your administrator to look at the server's revocations.";
        /// Sealed evidence does not open: not offsign's format, sealed to another key or for
        /// another record, altered, or cut short.
        MalformedEvidence = "malformed_evidence", Error,
            "Sealed evidence (a document or signature image) could not be opened: it is damaged, incomplete, or for another key or record.",
            "Nothing was kept from it. The app sends it again from the start; if it goes on, send feedback from the Health page.";
        /// Evidence opened, but its bytes are not the ones whose digest the record signed.
        DigestMismatch = "digest_mismatch", Error,
            "The bytes of a document or signature image do not match the digest signed in its record.",
            "The copy was changed or mixed up after signing; it was not kept. Use the copy kept with the record on the signing device, and ask your administrator.";
        /// Evidence was sent for a record the server does not hold.
        RecordUnknown = "record_unknown", Error,
            "The server holds no record with this id, so it takes no evidence for it.",
            "Nothing is lost: the app sends the record first, then its evidence.";
        /// A piece of evidence is larger than its record says, or than the server takes.
        EvidenceTooLarge = "evidence_too_large", Error,
            "The evidence is larger than its record declares, or than this server accepts.",
            "The record itself is safe on the server; the file stays on this device. Ask your administrator to raise the server's evidence limit.";
        /// An upload chunk did not start where the server's copy ends.
        UploadOffsetMismatch = "upload_offset_mismatch", Warning,
            "An upload chunk does not start where the server's copy of the upload ends.",
            "Nothing is lost: the app asks the server where to go on and resumes from there.";
        /// The server failed while answering: a fault in the server, in its logs.
        InternalError = "internal_error", Error,
            "The server failed while answering.",
            "Nothing is lost; the app tries again later. Tell your administrator if it goes on.";
    }
    app {
        /// A part the form requires is missing (a signature, a name, a photo): nothing was signed.
        FormIncomplete = "form_incomplete", Error,
            "A part the form requires is missing; nothing was signed.",
            "Fill in the marked parts, then sign.";
        /// The location was asked for, and the device could not tell it: nothing was signed.
        LocationUnavailable = "location_unavailable", Error,
            "The device's location was asked for and could not be found; nothing was signed.",
            "Allow location for this app and try again outdoors, or sign without your location if the form allows it.";
        /// The camera could not be opened, or saw no code in time.
        CameraUnavailable = "camera_unavailable", Error,
            "The camera could not be opened, or it saw no enrollment QR code in time.",
            "Allow the camera for this app and hold the code steady in view, or type the code.";
    }
}
