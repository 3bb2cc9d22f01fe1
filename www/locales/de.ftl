# The field app's words in German (de), translated from en.ftl.

## The page (www/index.html: data-i18n)

update = Update verfügbar —
reload = neu laden
tabs-aria-label = Bildschirme
tabs-2 = Unterschreiben
tabs-3 = Postausgang
tabs-4 = Gerätecheck
tabs-5 = Sicherung
tabs-6 = Hilfe
loading = Wird geladen…
enroll-title = Dieses Gerät einrichten
enroll-1 = Geben Sie den Registrierungscode von Ihrem Administrator ein. Nur für diesen Schritt brauchen Sie eine Verbindung.
enroll-form-1 = Registrierungscode
scan = QR-Code scannen
camera-aria-label = Kamera, sucht den QR-Code zur Registrierung
new-identity-1 = Ihr Name
new-identity-2 = PIN wählen (mindestens 6 Ziffern)
new-identity-3 = PIN wiederholen
pending-pin-1 = Ihre PIN
enroll-form-2 = Registrieren
enroll-2 = Neues Handy oder Browser gelöscht? <a>Aus Sicherung wiederherstellen</a>
unlock-title = Entsperren
unlock-form-1 = Wer unterschreibt
unlock-form-2 = PIN
unlock-form-3 = Entsperren
unlock-1 = <a>PIN vergessen?</a> · <a>Neu registrieren mit neuem Code</a> (PIN vergessen, Schlüssel abgelaufen oder ersetzt)
unlock-2 = Gemeinsames Gerät? <a>Person hinzufügen</a>: Jede Person hat eigenen Schlüssel, eigene PIN und eigenen Postausgang; entsperrt ist immer nur eine.
remove-worker-1 = Person von diesem Gerät entfernen
remove-worker-2 = Die oben gewählte Person verliert ihren Schlüssel auf diesem Gerät und kann hier nicht mehr unterschreiben. Was gesendet wurde, bleibt sicher im Büro.
remove-ask = Gewählte Person entfernen…
remove-keep = Behalten
sign-title = Dokument unterschreiben
signing-as = Sie unterschreiben als
switch-worker = Person wechseln
form-choice-box = Formular
required = (Pflichtfeld)
pad-aria-label = Unterschriftsfeld: mit Finger, Stift oder Maus zeichnen
pad-undo = Rückgängig
pad-clear = Löschen
pad-full = Vollbild
handoff = An Kunden übergeben
preview-1 = Vorschau: was unterschrieben wird
sign-button = Unterschreiben
handback-hold = An Mitarbeiter zurückgeben (1 s halten)
handback-form-1 = PIN des Mitarbeiters
handback-form-2 = Gerät zurücknehmen
signed-title = Unterschrieben
signed-1 = Was
signed-2 = Zeit
signed-3 = Datensatz
sign-another = Weiteres unterschreiben
signed-open = Im Postausgang öffnen
outbox-title = Postausgang
outbox-1 = Nach Referenz suchen
outbox-2 = Anzeigen
sync-now = Jetzt senden
record-title = Datensatz
record-1 = <a>← Zurück zum Postausgang</a>
record-pad-1-alt = Handschriftliche Unterschrift des Kunden
record-pad-2 = Handschriftliche Unterschrift (ihr Hashwert steht im unterschriebenen Datensatz)
bundle-button = Nachweispaket speichern (.zip)
record-technical-1 = Für den Support: unterschriebener Datensatz und Quittung
health-title = Gerätecheck
health-details-1 = Details: alle Prüfungen
feedback-form-1 = Etwas ist schiefgelaufen? Schreiben Sie uns
feedback-form-2 = Feedback senden
feedback-done = Danke — es wird beim nächsten Abgleich gesendet.
backup-title = Sicherung
export-form-1 = Sicherung speichern
export-form-2 = Passphrase für die Sicherungsdatei (mindestens 8 Zeichen)
export-form-3 = Passphrase wiederholen
export-form-4 = In Datei exportieren
import-form-1 = Aus Sicherung wiederherstellen
import-form-2 = Sicherungsdatei
import-form-3 = Passphrase der Datei
import-form-4 = Importieren
help-title = Hilfe
help-first-day-1 = Ihr erster Tag
help-first-day-2 = Bitten Sie Ihren Administrator um einen Registrierungscode (ein Link, ein QR-Code oder 12 Zeichen).
help-first-day-3 = Öffnen Sie die App, während Sie Empfang haben, und geben Sie den Code, Ihren Namen und eine PIN ein, die Sie sich merken können. Niemand sonst kann sie zurücksetzen.
help-first-day-4 = Legen Sie die App auf den Startbildschirm: Dann öffnet sie sich auch ohne Empfang.
help-first-day-5 = Speichern Sie unter <strong>Sicherung</strong> eine Sicherung und bewahren Sie Datei und Passphrase getrennt auf.
help-no-signal-1 = Unterschreiben ohne Empfang
help-no-signal-2 = Unterschreiben Sie wie gewohnt: Jeder Datensatz wird sofort beim Unterschreiben auf diesem Gerät gespeichert.
help-no-signal-3 = Der Postausgang zeigt ihn als <em>wartend</em>. Er wird automatisch gesendet, sobald wieder Empfang da ist; <strong>Jetzt senden</strong> versucht es sofort.
help-no-signal-4 = Wo der Browser es kann (der Gerätecheck zeigt „Senden im Hintergrund verfügbar“), wird er auch gesendet, wenn Sie die App schließen; sonst öffnen Sie die App, wenn Sie Empfang haben.
help-refused-1 = Ein vom Server abgelehnter Datensatz
help-refused-2 = Öffnen Sie ihn im <strong>Postausgang</strong>: Dort steht, warum und was zu tun ist.
help-refused-3 = Er bleibt auf diesem Gerät; unterschreiben Sie ihn nicht erneut, bevor Ihr Administrator ihn geprüft hat.
help-new-phone-1 = Ein neues Handy
help-new-phone-2 = Senden Sie auf dem alten Handy alles (Postausgang: nichts wartet) und speichern Sie dann eine Sicherung.
help-new-phone-3 = Öffnen Sie auf dem neuen Handy die App und wählen Sie <strong>Aus Sicherung wiederherstellen</strong>, mit der Datei und ihrer Passphrase.
help-new-phone-4 = Keine Sicherung? Bitten Sie Ihren Administrator um einen neuen Registrierungscode und richten Sie das Gerät neu ein: Ihre gesendeten Datensätze sind sicher auf dem Server.
help-forgot-1 = PIN vergessen
help-forgot-2 = Niemand kann Ihre PIN lesen oder zurücksetzen, auch Ihr Administrator nicht: Sie versiegelt Ihren Schlüssel auf diesem Gerät.
help-forgot-3 = Nach mehreren falschen Versuchen lässt die App Sie warten; der Countdown steht auf dem Bildschirm „Entsperren“.
help-forgot-4 = Wenn sie wirklich verloren ist: Bitten Sie Ihren Administrator um einen neuen Registrierungscode und wählen Sie dann auf dem Bildschirm „Entsperren“ Ihren Namen und <strong>Neu registrieren mit neuem Code</strong>. Sie wählen eine neue PIN für einen neuen Schlüssel; die Datensätze, die noch unter dem alten warten, werden wie bisher gesendet (außer das Büro meldet den Schlüssel als gestohlen), und das Büro sieht einen durchgehenden Verlauf. Auch eine Sicherung (mit eigener Passphrase) bringt den alten Schlüssel zurück.
codes-title = Was die Meldungen bedeuten
filter-all = alle
filter-waiting = wartend
filter-sent = gesendet
filter-refused = abgelehnt

## The app: enrolling, unlocking, the crew, backups (www/app.js)

add-worker-title = Person zu diesem Gerät hinzufügen
enroll-again-title = Neu registrieren: { $name }
replacing-note = Sie erhalten einen neuen Schlüssel und wählen eine neue PIN. Die Datensätze, die noch unter dem alten Schlüssel von { $name } warten, werden wie bisher gesendet, und das Büro sieht einen durchgehenden Verlauf.
pending-note = Ihr Name ({ $name }) und Ihre PIN sind auf diesem Gerät gespeichert: Jetzt fehlt nur noch ein gültiger Registrierungscode.
type-code = Geben Sie den Registrierungscode ein: 12 Buchstaben und Ziffern, z. B. ABCD-EFGH-JKMN.
type-pin = Geben Sie Ihre PIN ein.
type-name = Geben Sie Ihren Namen ein.
pin-short = Wählen Sie eine PIN mit mindestens 6 Ziffern.
pins-differ = Die beiden PINs stimmen nicht überein. Geben Sie zweimal dieselbe PIN ein.
storage-kept = Dieser Browser behält Ihre Unterschriften auch bei knappem Speicherplatz.
storage-not-kept = Dieser Browser kann bei knappem Speicherplatz gespeicherte Daten löschen: Senden Sie oft.
camera-closed = Die Kamera ließ sich nicht öffnen ({ $why }). Erlauben Sie dieser App die Kamera oder geben Sie den Code ein.
no-qr = Kein QR-Code zur Registrierung erkannt. Halten Sie den Code ruhig ins Bild oder geben Sie ihn ein.
write-comment = Schreiben Sie zuerst, was schiefgelaufen ist.
no-failure = Auf diesem Gerät wurde kein Fehler aufgezeichnet, daher gibt es nichts, dem Ihr Text angehängt werden kann.
passphrase-short = Wählen Sie eine Passphrase mit mindestens 8 Zeichen.
passphrases-differ = Die beiden Passphrasen stimmen nicht überein. Geben Sie zweimal dieselbe Passphrase ein.
pick-backup = Wählen Sie zuerst die Sicherungsdatei.
type-passphrase = Geben Sie die Passphrase der Sicherung ein.
imported = Importiert – Identitäten: { $identities }, Datensätze: { $records } (bereits vorhanden: { $skipped }), noch nicht gesendete Dokumente und Bilder: { $files }.
remove-unsent = { $count ->
        [one] { $name } hat 1 Datensatz, der noch nicht gesendet wurde. Verbinden Sie sich und senden Sie ihn zuerst (Postausgang, Jetzt senden), oder entfernen Sie ihn zusammen mit { $name }: Das Büro hat ihn nie erhalten, und er geht verloren.
       *[other] { $name } hat { $count } Datensätze, die noch nicht gesendet wurden. Verbinden Sie sich und senden Sie sie zuerst (Postausgang, Jetzt senden), oder entfernen Sie sie zusammen mit { $name }: Das Büro hat sie nie erhalten, und sie gehen verloren.
    }
remove-all-sent = Alles, was { $name } hier unterschrieben hat, ist im Büro angekommen. Beim Entfernen werden der Schlüssel und die Kopien auf diesem Gerät gelöscht.
remove-confirm = { $count ->
        [0] { $name } entfernen
        [one] { $name } und 1 nicht gesendeten Datensatz entfernen
       *[other] { $name } und { $count } nicht gesendete Datensätze entfernen
    }
next-try = Nächster Versuch in { $wait }. Lassen Sie die App geöffnet: Nur dann läuft die Wartezeit.

## The app: backups, the crew (www/app.js)

backup-holds = Die Sicherung enthält Ihre Identität (der Schlüssel bleibt mit Ihrer PIN versiegelt), Ihre Datensätze und Fehlerberichte. Dateien, die das Büro schon erhalten hat, sind dort sicher und nicht enthalten.
backup-holds-files = Die Sicherung enthält Ihre Identität (der Schlüssel bleibt mit Ihrer PIN versiegelt), Ihre Datensätze und Fehlerberichte sowie die Dokumente und Unterschriftsbilder, die noch nicht ans Büro gesendet wurden: { $files }. Dateien, die das Büro schon erhalten hat, sind dort sicher und nicht enthalten.
backup-saving = Ihr Browser speichert die Sicherung als „{ $name }“ ({ $kb } KB) dort, wo er Downloads ablegt, meist im Ordner „Downloads“. Kopieren Sie sie von diesem Gerät weg und bewahren Sie Datei und Passphrase getrennt auf.
removed = { $name } wurde von diesem Gerät entfernt.

## Problems (www/ui.js)

support-code = Code für den Support: { $code }

## The header (www/app.js)

online = Online
offline = Offline
language-label = Sprache

## The sign screen (www/signing.js)

state-sending = Auf diesem Gerät gespeichert. Wird gesendet…
not-signed = Nicht unterschrieben. { $why }
not-signed-parts = { $count ->
        [one] Nicht unterschrieben: 1 Stelle im Formular braucht Ihre Eingabe (oben markiert).
       *[other] Nicht unterschrieben: { $count } Stellen im Formular brauchen Ihre Eingabe (oben markiert).
    }
nothing-to-sign = Noch nichts zu unterschreiben: Machen Sie ein Foto, füllen Sie das Formular aus oder unterschreiben Sie im Feld.
form-changed = Das Formular wurde geändert, nachdem der Kunde unterschrieben hat: Geben Sie ihm das Gerät noch einmal, damit er den aktuellen Inhalt unterschreibt.
location-needed = Ihr Standort wurde nicht gefunden ({ $why }), und dieses Formular braucht ihn. Erlauben Sie dieser App den Standort und versuchen Sie es im Freien erneut.
location-failed = Ihr Standort wurde nicht gefunden ({ $why }). Versuchen Sie es im Freien erneut oder entfernen Sie das Häkchen bei „{ $label }“, um ohne Standort zu unterschreiben.
state-saved = Auf diesem Gerät gespeichert.
state-sent = Gesendet ✓ — der Server hat den Datensatz; die Quittung bleibt auf diesem Gerät.
state-refused = Vom Server abgelehnt. Öffnen Sie den Datensatz im Postausgang, um den Grund zu sehen; er bleibt auf diesem Gerät.
later-background = Er wird gesendet, sobald wieder eine Verbindung besteht, auch wenn Sie die App schließen.
later-open = Er wird gesendet, sobald wieder eine Verbindung besteht und die App geöffnet ist, oder beim nächsten Öffnen der App.
state-offline = Auf diesem Gerät gespeichert. Gerade keine Verbindung. { $later }
state-not-sent = Auf diesem Gerät gespeichert, noch nicht gesendet. { $later }
state-not-sent-because = Auf diesem Gerät gespeichert, noch nicht gesendet: { $why } { $later }
signed-by = Unterschrieben von { $name }
pad-done = Fertig
please-sign = Bitte unterschreiben Sie für:
handback-pin = Geben Sie die PIN des Mitarbeiters ein oder halten Sie die Taste eine Sekunde lang.

## Forms (www/forms.js)

receipt-title = Empfangsbestätigung
receipt-recipient = Empfänger
receipt-reference = Referenz
receipt-notes = Bemerkungen
receipt-photo = Dokument oder Foto
receipt-location = Meinen Standort hinzufügen
receipt-signature = Unterschrift des Kunden
need-photo = Machen Sie ein Foto oder wählen Sie das Dokument: Dieses Formular braucht eins.
need-signature = Der Kunde hat noch nicht unterschrieben: Bitten Sie ihn, im Feld zu unterschreiben.
need-tick = Setzen Sie hier ein Häkchen, um fortzufahren: { $label }.
need-choice = Wählen Sie eine Option: { $label }.
need-answer = Bitte ausfüllen: { $label }.

## Forms: answers that do not fit (www/forms.js)

choose-none = —
bad-number = { $min ->
        [none] { $max ->
            [none] { $label }: eine Zahl.
           *[other] { $label }: eine Zahl von höchstens { $max }.
        }
       *[other] { $max ->
            [none] { $label }: eine Zahl von mindestens { $min }.
           *[other] { $label }: eine Zahl von { $min } bis { $max }.
        }
    }
bad-date = { $label }: ein gültiges Datum.
bad-text = { $label }: höchstens { $max } Zeichen.
bad-answer = { $label }: Diese Antwort passt nicht zum Formular.

## The outbox and a record (www/outbox.js)

bundle-saving = Ihr Browser speichert „{ $name }“ ({ $kb } KB) dort, wo er Downloads ablegt. Die Datei enthält den unterschriebenen Datensatz, sein Zertifikat und seine Quittung, das Dokument und die Unterschrift: Jeder kann sie ohne Verbindung prüfen, auf der Prüfseite ({ $page }) oder mit „offsign verify-bundle“.
row-sent = Gesendet ✓
row-refused = Abgelehnt
row-offline = Wartet auf Verbindung
row-sending = Wird gesendet…
row-waiting = Wartet auf Senden
outbox-waiting = { $count ->
        [one] 1 Datensatz wartet auf das Senden.
       *[other] { $count } Datensätze warten auf das Senden.
    }
outbox-nothing-waiting = Nichts wartet: Der Server hat alle Datensätze.
outbox-whose = Datensätze von { $name }.
outbox-background = Dieser Browser sendet sie im Hintergrund, sobald wieder eine Verbindung besteht, auch wenn Sie die App schließen.
outbox-while-open = Dieser Browser sendet sie nur, während die App geöffnet ist: Öffnen Sie die App, wenn Sie eine Verbindung haben.
outbox-refused = { $count ->
        [one] 1 Datensatz vom Server abgelehnt: Öffnen Sie ihn, um den Grund zu sehen.
       *[other] { $count } Datensätze vom Server abgelehnt: Öffnen Sie sie, um den Grund zu sehen.
    }
row-for = Für { $name }
row-document = Dokument
no-match = Kein Datensatz mit einer Referenz, die „{ $query }“ enthält.
list-empty = Kein Datensatz in dieser Liste.
nothing-signed = Auf diesem Gerät wurde noch nichts unterschrieben.
older-not-shown = Ältere Datensätze nicht angezeigt: { $count }. Suchen Sie nach der Referenz, um einen zu finden.
last-sent = Zuletzt gesendet: { $when }
never = nie
unknown = unbekannt
send-offline = Keine Verbindung: Die Datensätze warten auf diesem Gerät und werden gesendet, sobald wieder eine Verbindung besteht.
sending-count = { $count ->
        [one] 1 Datensatz wird gesendet…
       *[other] { $count } Datensätze werden gesendet…
    }
checking = Abgleich mit dem Server…
sent-count = { $count ->
        [one] 1 Datensatz gesendet.
       *[other] { $count } Datensätze gesendet.
    }
duplicate-count = { $count ->
        [one] 1 Datensatz hatte der Server schon.
       *[other] { $count } Datensätze hatte der Server schon.
    }
refused-count = { $count ->
        [one] 1 Datensatz abgelehnt: Öffnen Sie ihn, um den Grund zu sehen.
       *[other] { $count } Datensätze abgelehnt: Öffnen Sie sie, um den Grund zu sehen.
    }
renewed = Ihr Zertifikat wurde erneuert.
forms-updated = Neue Formulare vom Büro sind bereit zum Unterschreiben.
nothing-to-send = Nichts zu senden: Der Server hat alle Datensätze.
not-sent = Nicht gesendet: { $why }
yes = Ja
no = Nein
record-not-found = Datensatz nicht gefunden
record-not-here = Auf diesem Gerät gibt es keinen Datensatz mit dieser ID.
signed-for = Unterschrieben für { $name }
support-code-message = Code für den Support: { $code } ({ $message })
field-document = Dokument
bytes = { $count } Byte
field-signed = Unterschrieben
field-location = Standort
field-received = Vom Server empfangen
tech-id = Datensatz-ID
tech-seq = Nummer in der Kette
tech-sha256 = SHA-256 des Dokuments
tech-hash = Hash des Datensatzes
tech-certificate = Zertifikat
tech-receipt = Quittung
tech-no-receipt = noch keine
signed-photo = Das unterschriebene Foto: { $name }
open-document = Dokument öffnen ({ $name })

## Health and Help (www/health.js)

check-randomness = Sichere Zufallszahlen
check-storage_writable = Speichern auf diesem Gerät
check-storage_persistent = Bleibt bei knappem Speicher erhalten
check-storage_headroom = Freier Speicher
check-certificate = Zertifikat
check-revocation_list = Liste widerrufener Zertifikate
check-clock = Uhr
check-identity = Identität
check-pending_records = Wartende Datensätze
check-pending_evidence = Wartende Dokumente
check-rejected_records = Abgelehnte Datensätze
check-clock_offset = Uhr im Vergleich zum Server
check-last_sync = Zuletzt gesendet
check-version = App-Version
check-background_sync = Senden nach dem Schließen der App
check-offline_app = Öffnet ohne Verbindung
check-of = { $check } ({ $who })
background-sync-yes = Senden im Hintergrund verfügbar: Datensätze werden auch nach dem Schließen der App gesendet
background-sync-no = Senden im Hintergrund: in diesem Browser nicht möglich
background-sync-remedy = Datensätze werden gesendet, während die App geöffnet ist (beim Start, wenn die Verbindung zurückkommt, alle 5 Minuten). Öffnen Sie die App, wenn Sie Empfang haben.
offline-ready = bereit: Die App öffnet sich ohne Netz
offline-not-yet = noch nicht
offline-remedy = Öffnen Sie die App noch einmal mit Verbindung, damit sie auch offline funktioniert.
needs-attention = Handlungsbedarf:
ready = Bereit zum Unterschreiben
ready-once-unlocked = Bereit zum Unterschreiben, sobald entsperrt
more-below = Und { $count } weitere unten.
status-ok = OK
status-warn = Warnung
status-fail = Problem
code = Code: { $code }

## Where the worker is (www/signing.js)

no-geolocation = dieser Browser kann den Standort nicht bestimmen
no-position-15 = kein Standort innerhalb von 15 Sekunden
no-position = kein Standort
location-denied = diese App darf Ihren Standort nicht verwenden
no-fix = das Gerät konnte keinen Standort ermitteln
no-position-10 = kein Standort innerhalb von 10 Sekunden

## Practice mode and the first run (www/index.html, www/practice.js)

practice-banner = Übung: Nichts, was Sie hier unterschreiben, wird ans Büro gesendet.
practice-leave = Übung beenden
practice-first = Neu in der App? <a>Zuerst üben</a>: Unterschreiben Sie Beispieldokumente und lernen Sie jedes Problem und seine Lösung kennen; nichts wird gesendet.
first-run-title = Ihre erste Unterschrift in vier Schritten
first-run-1 = Füllen Sie das Formular aus; die mit (Pflichtfeld) markierten Stellen müssen ausgefüllt sein.
first-run-2 = Geben Sie dem Kunden das Gerät oder lassen Sie ihn im Feld unterschreiben.
first-run-3 = Tippen Sie auf <strong>Unterschreiben</strong>: Der Datensatz wird sofort auf diesem Gerät gespeichert, mit oder ohne Empfang.
first-run-4 = Im <strong>Postausgang</strong> sehen Sie, wann das Büro ihn erhalten hat. Bei einem Problem steht immer dabei, was zu tun ist.
first-run-practice = Zuerst üben
first-run-done = Verstanden
practice-stage = Ein Problem üben
stage-none = keins: normal unterschreiben
stage-expired = ein abgelaufenes Zertifikat
stage-revoked = ein widerrufenes Zertifikat
stage-clock = die Uhr des Geräts geht falsch
stage-storage = der Speicher des Geräts ist voll
practice-enroll-title = Übung: Namen und PIN wählen
practice-enroll-note = Kein Code nötig: Diese Übungsidentität bleibt auf diesem Gerät, und nichts, was damit unterschrieben wird, wird gesendet.
practice-authority = Übungsbüro
practice-kept = Übung: auf diesem Gerät gespeichert, wird nie gesendet.
practice-not-sent = Übung: Nichts wird ans Büro gesendet. Beenden Sie die Übung, um echte Datensätze zu senden.

## Each worker's own Health and backup (www/health.js, www/app.js)

health-whose = Prüfungen des Schlüssels von { $name } und dieses Geräts.
backup-whose = Eine Sicherung enthält eine Person: { $name }, die jetzt entsperrt ist. Jede Person im Team sichert ihre eigene.

## The error table (crate/src/error_table.rs): what each code means, and what to do

err-wrong_pin = Die PIN oder Passphrase öffnet diesen Schlüssel nicht.
    .remedy = Prüfen Sie Ihre PIN und versuchen Sie es erneut. Nach mehreren falschen Versuchen müssen Sie vor dem nächsten Versuch warten.
err-pin_too_short = Die PIN oder Passphrase ist kürzer als die Mindestlänge.
    .remedy = Wählen Sie eine PIN mit mindestens 6 Ziffern oder eine längere Passphrase.
err-pin_locked_out = Zu viele falsche PINs; vor dem nächsten Versuch muss gewartet werden.
    .remedy = Zu viele falsche PINs. Warten Sie, bis der Countdown abgelaufen ist, bevor Sie es erneut versuchen. Niemand kann eine PIN zurücksetzen: Wenn Sie sie vergessen haben, bitten Sie Ihr Büro um einen neuen Registrierungscode und wählen Sie „Neu registrieren“ (die Datensätze, die auf diesem Gerät warten, werden trotzdem gesendet), oder stellen Sie eine Sicherung wieder her.
err-wrong_passphrase = Die Passphrase öffnet diese Sicherung nicht.
    .remedy = Prüfen Sie die Passphrase der Sicherung (das ist nicht Ihre PIN) und versuchen Sie es erneut.
err-identity_locked = Die Identität ist gesperrt und ihr Schlüssel wurde aus dem Speicher gelöscht.
    .remedy = Entsperren Sie mit Ihrer PIN und unterschreiben Sie dann erneut.
err-identity_not_found = Auf diesem Gerät ist keine Identität mit dieser Schlüssel-ID gespeichert.
    .remedy = Wählen Sie Ihren Namen aus der Liste oder richten Sie dieses Gerät neu ein.
err-unsent_records = Der Mitarbeiter hat Datensätze auf diesem Gerät, die der Server nicht erhalten hat; es wurde nichts entfernt.
    .remedy = Senden Sie sie zuerst („Postausgang“, „Jetzt senden“, bei bestehender Internetverbindung) oder bestätigen Sie, dass sie zusammen mit dem Mitarbeiter gelöscht werden.
err-report_not_found = Auf diesem Gerät ist kein Fehlerbericht mit dieser ID gespeichert.
    .remedy = Öffnen Sie die Seite „Gerätecheck“ erneut und wählen Sie das Problem aus der Liste.
err-record_not_found = Dieses Gerät hat keinen Datensatz mit dieser ID.
    .remedy = Öffnen Sie den „Postausgang“ und wählen Sie den Datensatz aus der Liste. Datensätze, die der Server schon vor längerer Zeit angenommen hat, wurden möglicherweise von diesem Gerät entfernt: Fragen Sie Ihr Büro danach.
err-evidence_not_found = Dieses Gerät hat kein solches Dokument und kein solches Unterschriftsbild zu dem Datensatz.
    .remedy = Es wurde auf einem anderen Gerät unterschrieben, oder bevor diese App Dokumente aufbewahrt hat, oder es wurde von diesem Gerät entfernt, nachdem der Server es gespeichert hatte: Bitten Sie Ihr Büro um das Nachweispaket des Datensatzes.
err-evidence_refused = Der Server hat ein Dokument oder Unterschriftsbild abgelehnt: Es passt nicht zu seinem Datensatz oder ist größer, als der Server annimmt.
    .remedy = Der unterschriebene Datensatz ist sicher auf dem Server; die Datei selbst bleibt auf diesem Gerät. Tippen Sie auf der Seite „Gerätecheck“ auf „Feedback senden“, damit Ihr Administrator sie abrufen kann.
err-not_enrolled = Diese Identität hat noch kein Zertifikat.
    .remedy = Verbinden Sie sich mit dem Internet und registrieren Sie sich mit dem Code von Ihrem Administrator.
err-self_check_failed = Eine neue Signatur hat ihre eigene Prüfung zweimal nicht bestanden; es wurde nichts gespeichert.
    .remedy = Schließen Sie die App vollständig, öffnen Sie sie erneut und unterschreiben Sie noch einmal. Wenn es wieder passiert, tippen Sie auf der Seite „Gerätecheck“ auf „Feedback senden“.
err-randomness_unavailable = Sichere Zufallszahlen (crypto.getRandomValues auf einem Gerät, das Betriebssystem auf dem Server) sind nicht verfügbar.
    .remedy = Aktualisieren Sie Ihren Browser oder verwenden Sie einen anderen Browser oder ein anderes Gerät.
err-cert_untrusted = Das Zertifikat ist nicht von der vertrauenswürdigen Zertifizierungsstelle signiert oder gehört nicht zu diesem Schlüssel.
    .remedy = Registrieren Sie dieses Gerät erneut mit einem neuen Code von Ihrem Administrator.
err-cert_not_yet_valid = Das Zertifikat ist noch nicht gültig.
    .remedy = Prüfen Sie, ob Datum und Uhrzeit Ihres Geräts stimmen, oder warten Sie, bis das Zertifikat gültig wird.
err-cert_expired = Das Zertifikat ist abgelaufen.
    .remedy = Bitten Sie Ihr Büro um einen neuen Registrierungscode und wählen Sie auf dem Bildschirm „Entsperren“ „Neu registrieren“: Sie erhalten einen neuen Schlüssel auf diesem Gerät, und Datensätze, die Sie vor Ablauf des Zertifikats unterschrieben haben, werden trotzdem gesendet.
err-cert_revoked = Das Zertifikat wurde widerrufen (ersetzt, oder der Mitarbeiter ist ausgeschieden): Vorher signierte Datensätze gelten weiterhin.
    .remedy = Sie können mit diesem Schlüssel nicht mehr unterschreiben. Datensätze, die Sie vor dem Widerruf unterschrieben haben, werden trotzdem gesendet. Bitten Sie Ihr Büro um einen neuen Registrierungscode und wählen Sie auf dem Bildschirm „Entsperren“ „Neu registrieren“.
err-key_compromised = Der Schlüssel wurde als kompromittiert oder ohne Angabe eines Grundes widerrufen: Jeder damit signierte Datensatz wird abgelehnt.
    .remedy = Datensätze, die mit diesem Schlüssel unterschrieben wurden, lehnt der Server ab, auch die, die noch auf diesem Gerät warten. Bitten Sie Ihr Büro um einen neuen Registrierungscode, wählen Sie „Neu registrieren“ und unterschreiben Sie diese Dokumente erneut mit dem neuen Schlüssel.
err-cert_expiring = Das Zertifikat läuft bald ab.
    .remedy = Verbinden Sie sich mit dem Internet und öffnen Sie die App, damit Ihr Zertifikat erneuert wird.
err-revocation_list_stale = Die Sperrliste ist veraltet oder fehlt.
    .remedy = Verbinden Sie sich mit dem Internet und öffnen Sie die App, um sie zu aktualisieren.
err-revocation_list_untrusted = Die Sperrliste ist nicht von der vertrauenswürdigen Zertifizierungsstelle signiert.
    .remedy = Verbinden Sie sich mit dem Internet und öffnen Sie die App, um eine neue Liste abzurufen, oder fragen Sie Ihren Administrator.
err-clock_skew = Die Uhrzeit des Geräts liegt vor dem Zeitpunkt der letzten Signatur.
    .remedy = Stellen Sie Datum und Uhrzeit Ihres Geräts richtig ein (am besten automatisch) und unterschreiben Sie dann erneut.
err-bad_signature = Die Signatur ist ungültig.
    .remedy = Der Datensatz wurde verändert oder mit einem anderen Schlüssel unterschrieben. Vertrauen Sie ihm nicht; fragen Sie Ihren Administrator.
err-key_mismatch = Der Datensatz nennt einen anderen Schlüssel als den, mit dem er geprüft wurde.
    .remedy = Prüfen Sie den Datensatz mit dem öffentlichen Schlüssel des Mitarbeiters, der ihn unterschrieben hat.
err-chain_broken = Der Datensatz folgt nicht auf den angegebenen vorherigen Datensatz (Hash oder Sequenznummer weichen ab).
    .remedy = Ein Datensatz fehlt oder wurde verändert. Bewahren Sie alle Datensätze auf und fragen Sie Ihren Administrator.
err-unsupported_algorithm = Der JWS-Algorithmus ist nicht Ed25519 (oder dessen älterer Name EdDSA).
    .remedy = Verwenden Sie einen Datensatz, der von offsign oder einem anderen Ed25519-JOSE-Signierer signiert wurde.
err-malformed_jws = Das JWS ist keine wohlgeformte Compact Serialization.
    .remedy = Die Daten sind beschädigt oder kein unterschriebener Datensatz. Fragen Sie Ihren Administrator.
err-malformed_jwk = Der JWK ist kein wohlgeformter Ed25519-Schlüssel (OKP).
    .remedy = Verwenden Sie die Schlüsseldatei genau so, wie offsign sie geschrieben hat.
err-malformed_record = Die Nutzdaten des Datensatzes haben nicht das offsign-Datensatzformat.
    .remedy = Die Daten sind beschädigt oder kein offsign-Datensatz. Fragen Sie Ihren Administrator.
err-malformed_certificate = Das Zertifikat hat nicht das offsign-Zertifikatsformat.
    .remedy = Registrieren Sie dieses Gerät erneut mit einem neuen Code von Ihrem Administrator.
err-malformed_revocation_list = Die Sperrliste hat nicht das offsign-Format.
    .remedy = Verbinden Sie sich mit dem Internet und öffnen Sie die App, um eine neue Liste abzurufen.
err-malformed_sealed_key = Der versiegelte Schlüssel ist beschädigt oder hat ein unbekanntes Format.
    .remedy = Stellen Sie Ihre Identität aus einer Sicherung wieder her oder registrieren Sie dieses Gerät erneut.
err-malformed_backup = Die Sicherungsdatei ist beschädigt, abgeschnitten oder keine offsign-Sicherung; es wurde nichts importiert.
    .remedy = Verwenden Sie eine andere Kopie der Sicherungsdatei oder fragen Sie Ihren Administrator.
err-storage_full = Der Browser-Speicher für diese App ist voll; es wurde nichts geschrieben.
    .remedy = Verbinden Sie sich mit dem Internet, damit gesendete Datensätze gelöscht werden können, geben Sie Speicherplatz auf dem Gerät frei oder fragen Sie Ihren Administrator.
err-storage_unavailable = Der Speicher kann nicht geöffnet oder beschrieben werden: die IndexedDB des Browsers oder die Datenbank des Servers.
    .remedy = Schließen Sie andere Tabs dieser App und öffnen Sie sie erneut. Privates Surfen kann den Speicher blockieren; verwenden Sie ein normales Fenster.
err-device_closed = Dieses Device wurde freigegeben (free()); sein Worker und alle Schlüssel, die es hielt, sind weg. Öffnen Sie ein neues mit Device.open().
    .remedy = Schließen Sie die App vollständig und öffnen Sie sie erneut.
err-device_unavailable = Der Worker des Device konnte nicht starten oder antworten: device_worker.js oder offsign_device_bg.wasm wird nicht neben offsign.js ausgeliefert, eine Content Security Policy verbietet den Worker (worker-src) oder WebAssembly (wasm-unsafe-eval), oder der Browser hat ihn beendet.
    .remedy = Schließen Sie die App vollständig und öffnen Sie sie erneut, während Sie online sind. Wenn es wieder passiert, sagen Sie es Ihrem Administrator.
err-server_unreachable = Der Server war nicht erreichbar; es ist nichts verloren gegangen.
    .remedy = Ihre Unterschriften sind auf diesem Gerät sicher und werden gesendet, sobald die Verbindung wieder besteht.
err-server_refused = Der Server hat die Anfrage abgelehnt.
    .remedy = Aktualisieren Sie die App (laden Sie sie neu, während Sie online sind) oder fragen Sie Ihren Administrator.
err-enrollment_refused = Der Server hat den Registrierungscode abgelehnt; es wurde kein Zertifikat ausgestellt.
    .remedy = Bitten Sie Ihren Administrator um einen neuen Registrierungscode.
err-answer_untrusted = Die Antwort des Servers konnte nicht mit dem Schlüssel der Zertifizierungsstelle auf diesem Gerät geprüft werden; die darin genannten Datensätze wurden nicht als gesendet markiert.
    .remedy = Ihre Unterschriften sind auf diesem Gerät sicher und werden erneut gesendet. Fragen Sie Ihren Administrator: Der Schlüssel des Servers hat sich möglicherweise geändert, oder etwas im Netzwerk hat seine Antworten verändert.
err-record_rejected = Der Server hat einen signierten Datensatz abgelehnt.
    .remedy = Öffnen Sie den Datensatz im „Postausgang“, um den Grund zu sehen, und fragen Sie Ihren Administrator. Der Datensatz bleibt auf diesem Gerät.
err-malformed_input = Ein Argument hat den falschen Typ, die falsche Länge, Kodierung oder Größe.
    .remedy = Dies ist ein Fehler in der App. Tippen Sie auf der Seite „Gerätecheck“ auf „Feedback senden“.
err-malformed_bundle = Die Datei ist kein offsign-Nachweispaket, oder sie ist beschädigt oder unvollständig.
    .remedy = Laden Sie das Paket erneut aus der App oder der Konsole herunter und öffnen Sie es so, wie es geliefert wurde (nicht entpacken und neu packen).
err-form_unknown = Das Formular oder diese Version davon ist hier nicht vorhanden: Auf dem Gerät wurde nichts signiert; auf dem Server wird der Datensatz abgelehnt.
    .remedy = Verbinden Sie sich mit dem Internet und senden Sie („Postausgang“, „Jetzt senden“), damit das Gerät die Formulare des Büros erhält, und unterschreiben Sie dann erneut. Wenn der Server einen Datensatz abgelehnt hat, fragen Sie Ihren Administrator. Der Datensatz bleibt auf diesem Gerät.
err-form_answers_invalid = Die Antworten passen nicht zu dem Formular, das sie nennen: Ein Pflichtfeld ist leer, oder eine Antwort hat die falsche Art.
    .remedy = Füllen Sie die markierten Stellen aus und unterschreiben Sie dann. Wenn der Server deshalb einen Datensatz abgelehnt hat, laden Sie die App neu, während Sie online sind, um die neuesten Formulare zu erhalten, und sagen Sie es Ihrem Administrator.
err-chain_fork = Der Server hat bereits einen anderen Datensatz mit dieser Sequenznummer von diesem Schlüssel.
    .remedy = Zwei Datensätze beanspruchen denselben Platz in Ihrer Kette (eine wiederhergestellte Sicherung oder ein Schlüssel auf zwei Geräten). Fragen Sie Ihren Administrator; der Datensatz bleibt hier.
err-id_conflict = Der Server hat bereits einen anderen Datensatz mit dieser ID.
    .remedy = Fragen Sie Ihren Administrator; der Datensatz bleibt auf diesem Gerät.
err-cert_unknown = Der Server hat das genannte Zertifikat nicht ausgestellt.
    .remedy = Registrieren Sie dieses Gerät erneut mit einem neuen Code von Ihrem Administrator.
err-signed_in_future = Der Signaturzeitpunkt des Datensatzes liegt nach der Uhrzeit des Servers.
    .remedy = Stellen Sie Datum und Uhrzeit Ihres Geräts richtig ein (am besten automatisch) und sagen Sie es Ihrem Administrator.
err-cert_not_yet_valid_at_signing = Der Datensatz wurde signiert, bevor sein Zertifikat gültig wurde.
    .remedy = Stellen Sie Datum und Uhrzeit Ihres Geräts richtig ein (am besten automatisch) und sagen Sie es Ihrem Administrator.
err-cert_expired_at_signing = Der Datensatz wurde signiert, nachdem sein Zertifikat abgelaufen war.
    .remedy = Verbinden Sie sich mit dem Internet, um Ihr Zertifikat zu erneuern, und sagen Sie es Ihrem Administrator.
err-cert_revoked_at_signing = Der Datensatz wurde signiert, nachdem sein Zertifikat widerrufen worden war.
    .remedy = Datensätze, die nach dem Widerruf unterschrieben wurden, werden abgelehnt. Bitten Sie Ihr Büro um einen neuen Registrierungscode, wählen Sie „Neu registrieren“ und unterschreiben Sie das Dokument erneut mit dem neuen Schlüssel.
err-malformed_form = Eine Formulardefinition ist keine, die offsign abfragen kann: Ihr JSON, ihre Felder, Namen oder Grenzen sind fehlerhaft.
    .remedy = Die Meldung sagt, was falsch ist. Korrigieren Sie die Datei des Formulars und fügen Sie sie erneut hinzu; das verwendete Formular bleibt unverändert.
err-replaced_key_unknown = Der Schlüssel, den diese Registrierung ersetzt, gehört nicht zu dem Mitarbeiter des Codes.
    .remedy = Wählen Sie auf dem Bildschirm „Entsperren“ „Neu registrieren“ beim eigenen Namen des Mitarbeiters, oder bitten Sie Ihren Administrator um einen Code für diesen Mitarbeiter.
err-malformed_report = Der Fehlerbericht hat nicht das offsign-Berichtsformat.
    .remedy = Aktualisieren Sie die App (laden Sie sie neu, während Sie online sind).
err-weak_key = Der Schlüssel hat kleine Ordnung oder eine Torsionskomponente; er wird nicht zertifiziert.
    .remedy = Der Server hat den Schlüssel dieses Geräts abgelehnt. Aktualisieren Sie die App oder fragen Sie Ihren Administrator.
err-proof_invalid = Der Registrierungsnachweis ist nicht mit dem Schlüssel signiert oder gilt für einen anderen Code oder eine andere Challenge.
    .remedy = Der Server hat den Schlüssel dieses Geräts abgelehnt. Aktualisieren Sie die App oder fragen Sie Ihren Administrator.
err-challenge_stale = Die Registrierungs-Challenge ist zu alt.
    .remedy = Die Registrierung hat zu lange gedauert, oder die Uhr des Servers geht falsch. Versuchen Sie es erneut.
err-enrollment_code_unknown = Diesen Registrierungscode gibt es nicht.
    .remedy = Dieser Code ist nicht bekannt. Prüfen Sie ihn Zeichen für Zeichen oder bitten Sie Ihren Administrator um einen neuen.
err-enrollment_code_used = Der Registrierungscode wurde bereits verwendet.
    .remedy = Dieser Code wurde bereits verwendet. Bitten Sie Ihren Administrator um einen neuen.
err-enrollment_code_expired = Der Registrierungscode ist abgelaufen.
    .remedy = Dieser Code ist abgelaufen. Bitten Sie Ihren Administrator um einen neuen.
err-request_stale = Die Anfrage wurde vor zu langer Zeit erstellt, oder die Uhr des Geräts geht falsch.
    .remedy = Stellen Sie Datum und Uhrzeit Ihres Geräts richtig ein (am besten automatisch) und verbinden Sie sich dann erneut.
err-malformed_request = Der Server konnte die Anfrage nicht lesen: ihr JSON, ihre Felder oder Größen.
    .remedy = Aktualisieren Sie die App (laden Sie sie neu, während Sie online sind) oder fragen Sie Ihren Administrator.
err-unsupported_media_type = Der Body der Anfrage ist nicht application/json.
    .remedy = Aktualisieren Sie die App (laden Sie sie neu, während Sie online sind) oder fragen Sie Ihren Administrator.
err-rate_limited = Zu viele Anfragen von dieser Adresse oder heute zu viele Berichte von diesem Schlüssel.
    .remedy = Es ist nichts verloren; die App versucht es später von selbst erneut.
err-unauthorized = Die Anfrage benötigt das Bearer-Token des Servers.
    .remedy = Geben Sie dem Monitoring-Tool das Token, mit dem der Server gestartet wurde (--metrics-token).
err-login_required = Die Konsole benötigt eine Sitzung: Melden Sie sich zuerst an (oder die Sitzung ist abgelaufen).
    .remedy = Melden Sie sich erneut an der Konsole an.
err-login_refused = Falscher Name oder falsches Passwort.
    .remedy = Prüfen Sie Namen und Passwort. Nach mehreren falschen Passwörtern wird das Konto eine Zeit lang gesperrt; ein Administrator kann einen neuen Einrichtungslink senden.
err-login_locked = Zu viele falsche Passwörter: Das Konto ist für 15 Minuten gesperrt.
    .remedy = Warten Sie 15 Minuten und versuchen Sie es erneut, oder bitten Sie einen Administrator um einen neuen Einrichtungslink (offsign-server admin add).
err-csrf_refused = Die Änderung enthielt nicht das Formular-Token dieser Sitzung; es wurde nichts geändert.
    .remedy = Laden Sie die Konsolenseite neu und nehmen Sie die Änderung erneut vor.
err-role_refused = Ein Prüferkonto sieht alles und kann nichts ändern.
    .remedy = Bitten Sie einen Administrator, die Änderung vorzunehmen.
err-revocation_list_unavailable = Der Server kann gerade keine Sperrliste signieren.
    .remedy = Es ist nichts verloren. Bitten Sie Ihren Administrator, die Widerrufe auf dem Server zu prüfen.
err-malformed_evidence = Versiegelte Nachweise (ein Dokument oder Unterschriftsbild) konnten nicht geöffnet werden: Sie sind beschädigt, unvollständig oder gehören zu einem anderen Schlüssel oder Datensatz.
    .remedy = Davon wurde nichts behalten. Die App sendet es noch einmal von vorn; wenn es weiter passiert, tippen Sie auf der Seite „Gerätecheck“ auf „Feedback senden“.
err-digest_mismatch = Die Bytes eines Dokuments oder Unterschriftsbilds passen nicht zu dem im Datensatz signierten Digest.
    .remedy = Die Kopie wurde nach dem Unterschreiben verändert oder verwechselt; sie wurde nicht behalten. Verwenden Sie die Kopie, die mit dem Datensatz auf dem Gerät gespeichert ist, auf dem unterschrieben wurde, und fragen Sie Ihren Administrator.
err-record_unknown = Der Server hat keinen Datensatz mit dieser ID und nimmt daher keine Nachweise dafür an.
    .remedy = Es ist nichts verloren: Die App sendet zuerst den Datensatz, dann seine Nachweise.
err-evidence_too_large = Der Nachweis ist größer, als sein Datensatz angibt oder als dieser Server annimmt.
    .remedy = Der Datensatz selbst ist sicher auf dem Server; die Datei bleibt auf diesem Gerät. Bitten Sie Ihren Administrator, das Nachweis-Limit des Servers zu erhöhen.
err-upload_offset_mismatch = Ein Upload-Teil beginnt nicht dort, wo die Kopie des Uploads auf dem Server endet.
    .remedy = Es ist nichts verloren: Die App fragt den Server, wo es weitergeht, und setzt dort fort.
err-internal_error = Beim Antworten ist auf dem Server ein Fehler aufgetreten.
    .remedy = Es ist nichts verloren; die App versucht es später erneut. Sagen Sie Ihrem Administrator Bescheid, wenn es weiter passiert.
err-form_incomplete = Ein Teil, den das Formular verlangt, fehlt; es wurde nichts signiert.
    .remedy = Füllen Sie die markierten Stellen aus und unterschreiben Sie dann.
err-location_unavailable = Der Standort des Geräts wurde angefordert, konnte aber nicht ermittelt werden; es wurde nichts signiert.
    .remedy = Erlauben Sie dieser App den Zugriff auf den Standort und versuchen Sie es im Freien erneut, oder unterschreiben Sie ohne Ihren Standort, wenn das Formular das erlaubt.
err-camera_unavailable = Die Kamera konnte nicht geöffnet werden oder hat nicht rechtzeitig einen Registrierungs-QR-Code erkannt.
    .remedy = Erlauben Sie dieser App den Zugriff auf die Kamera und halten Sie den Code ruhig ins Bild, oder tippen Sie den Code ein.

## The device's sentences with specifics (dev-KEY): remedies that name a date or a count, and what each Health check found

dev-wrong-pin-tries-left = Prüfen Sie Ihre PIN und versuchen Sie es erneut. { $tries ->
        [one] Noch { $tries } Versuch
       *[other] Noch { $tries } Versuche
    }, dann müssen Sie warten.
dev-pin-wait-minutes = Zu viele falsche PINs. Warten Sie { $minutes ->
        [one] { $minutes } Minute
       *[other] { $minutes } Minuten
    } bis zum nächsten Versuch (lassen Sie die App geöffnet: Nur dann läuft die Wartezeit). Niemand kann eine PIN zurücksetzen: Wenn Sie sie vergessen haben, bitten Sie Ihr Büro um einen neuen Registrierungscode und wählen Sie „Neu registrieren“ (die Datensätze, die auf diesem Gerät warten, werden trotzdem gesendet), oder stellen Sie eine Sicherung wieder her.
dev-cert-valid-from = Ihr Zertifikat gilt ab { $date }. Prüfen Sie, ob Datum und Uhrzeit Ihres Geräts stimmen.
dev-cert-expired-on = Ihr Zertifikat ist am { $date } abgelaufen. Bitten Sie Ihr Büro um einen neuen Registrierungscode und wählen Sie „Neu registrieren“: Datensätze, die Sie vorher unterschrieben haben, werden trotzdem gesendet.
dev-cert-expires-on = Ihr Zertifikat läuft am { $date } ab. Verbinden Sie sich mit dem Internet und öffnen Sie die App, damit es erneuert wird.
dev-enrollment-refused = { $reason ->
        [enrollment_code_used] { err-enrollment_code_used.remedy }
        [enrollment_code_expired] { err-enrollment_code_expired.remedy }
        [challenge_stale] { err-challenge_stale.remedy }
        [proof_invalid] { err-proof_invalid.remedy }
        [weak_key] { err-weak_key.remedy }
        [replaced_key_unknown] { err-replaced_key_unknown.remedy }
       *[other] { err-enrollment_code_unknown.remedy }
    }
dev-enroll-needs-connection = Die Registrierung braucht eine Verbindung. Verbinden Sie sich mit dem Internet und versuchen Sie es erneut.
dev-not-an-offsign-server = Unter der Serveradresse, die diese App verwendet, antwortet kein offsign-Server. Prüfen Sie die Adresse (die Servereinstellung der App) oder fragen Sie Ihren Administrator.
dev-unlock-then-enroll = Entsperren Sie mit Ihrer PIN und registrieren Sie sich dann neu.
dev-unlock-then-backup = Entsperren Sie mit Ihrer PIN und speichern Sie dann die Sicherung.
dev-unlock-then-bundle = Entsperren Sie mit Ihrer PIN und speichern Sie dann das Nachweispaket erneut.
dev-backup-not-these-records = Diese Sicherung passt nicht zu den Datensätzen auf diesem Gerät. Es wurde nichts importiert; fragen Sie Ihren Administrator.
dev-sign-again = Es wurde nichts unterschrieben. Unterschreiben Sie das Dokument erneut.
dev-newer-version-open = Eine neuere Version dieser App ist in einem anderen Tab oder Fenster geöffnet. Laden Sie diese Seite neu, um sie zu verwenden.
dev-file-changed = Wählen Sie die Datei erneut und unterschreiben Sie sie, sobald sie vollständig gespeichert ist.
dev-randomness-available = verfügbar
dev-storage-writable = möglich
dev-failed-with = fehlgeschlagen ({ $code })
dev-persistence-granted = gewährt
dev-persistence-not-granted = nicht gewährt: Der Browser kann die Daten dieser App löschen, wenn der Speicherplatz knapp wird
dev-install-the-app = Installieren Sie die App (Zum Startbildschirm hinzufügen), öffnen Sie sie von dort und prüfen Sie dann erneut.
dev-persistence-unsupported = dieser Browser kann nicht zusichern, die Daten zu behalten
dev-sync-often = Senden Sie oft, damit unterschriebene Datensätze bald auf dem Server ankommen.
dev-storage-used = { $used } MiB von { $quota } MiB belegt
dev-storage-use-unknown = in diesem Browser unbekannt
dev-no-identity = keine Identität auf diesem Gerät
dev-set-up-this-device = Richten Sie dieses Gerät mit dem Code von Ihrem Administrator ein.
dev-not-enrolled = nicht registriert
dev-days-left = { $days ->
        [one] noch { $days } Tag
       *[other] noch { $days } Tage
    }
dev-up-to-date = aktuell
dev-list-stale = muss aktualisiert werden: Die Liste widerrufener Zertifikate fehlt oder ist veraltet
dev-clock-before-last-signature = die Uhrzeit des Geräts ({ $now }) liegt vor dem Zeitpunkt seiner letzten Signatur ({ $last })
dev-time-now = { $now }
dev-none = keine
dev-refused-by-server = { $count } vom Server abgelehnt
dev-open-the-outbox = Öffnen Sie den „Postausgang“, um zu sehen, warum die einzelnen Datensätze abgelehnt wurden, und fragen Sie Ihren Administrator.
dev-last-sync-at = { $at }
dev-never-nothing-to-send = nie (nichts zu senden)
dev-never = nie
dev-connect-to-send = Verbinden Sie sich mit dem Internet, damit unterschriebene Datensätze gesendet werden.
dev-version = { $version }
dev-offset-not-measured = noch nicht gemessen (wird bei jedem Abgleich gemessen)
dev-offset-within = höchstens { $seconds } s Abweichung vom Server
dev-clock-behind = die Uhr des Geräts geht im Vergleich zum Server { $minutes ->
        [one] { $minutes } Minute
       *[other] { $minutes } Minuten
    } nach; Signaturen verwenden die Uhrzeit des Servers
dev-clock-ahead = die Uhr des Geräts geht im Vergleich zum Server { $minutes ->
        [one] { $minutes } Minute
       *[other] { $minutes } Minuten
    } vor; Signaturen verwenden die Uhrzeit des Servers
dev-automatic-time = Stellen Sie Datum und Uhrzeit des Geräts auf automatisch.
dev-none-waiting = nichts wartet
dev-evidence-waiting = { $count ->
        [one] { $count } Dokument oder Bild
       *[other] { $count } Dokumente und Bilder
    } ({ $size } MiB) { $count ->
        [one] wartet
       *[other] warten
    } auf das Senden
dev-records-waiting = { $count ->
        [one] { $count } wartet seit { $hours } h
       *[other] { $count } warten, der älteste seit { $hours } h
    }
