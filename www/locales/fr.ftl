## The page (www/index.html: data-i18n)

update = Mise à jour disponible —
reload = recharger
tabs-aria-label = Écrans
tabs-2 = Signer
tabs-3 = Boîte d'envoi
tabs-4 = Diagnostic
tabs-5 = Sauvegarde
tabs-6 = Aide
loading = Chargement…
enroll-title = Configurer cet appareil
enroll-1 = Saisissez le code d'inscription donné par votre administrateur. Une connexion n'est nécessaire que pour cette étape.
enroll-form-1 = Code d'inscription
scan = Scanner le QR code
camera-aria-label = Appareil photo, à la recherche du QR code d'inscription
new-identity-1 = Votre nom
new-identity-2 = Choisissez un code PIN (au moins 6 chiffres)
new-identity-3 = Confirmez le code PIN
pending-pin-1 = Votre code PIN
enroll-form-2 = S'inscrire
enroll-2 = Nouveau téléphone ou navigateur effacé ? <a>Restaurer une sauvegarde</a>
unlock-title = Déverrouillage
unlock-form-1 = Qui signe
unlock-form-2 = Code PIN
unlock-form-3 = Déverrouiller
unlock-1 = <a>Code PIN oublié ?</a> · <a>Se réinscrire avec un nouveau code</a> (code PIN oublié, clé expirée ou remplacée)
unlock-2 = Appareil partagé ? <a>Ajouter un agent</a> : chacun a sa propre clé, son code PIN et sa boîte d'envoi, et un seul est déverrouillé à la fois.
remove-worker-1 = Retirer un agent de cet appareil
remove-worker-2 = L'agent choisi ci-dessus perd sa clé sur cet appareil et ne peut plus y signer. Ce qui a été envoyé reste en sécurité au bureau.
remove-ask = Retirer l'agent choisi…
remove-keep = Garder
sign-title = Signer un document
signing-as = Signataire
switch-worker = Changer d'agent
form-choice-box = Formulaire
required = (obligatoire)
pad-aria-label = Zone de signature : signez avec le doigt, un stylet ou la souris
pad-undo = Annuler
pad-clear = Effacer
pad-full = Plein écran
handoff = Passer au client
preview-1 = Aperçu de ce qui sera signé
sign-button = Signer
handback-hold = Rendre à l'agent (maintenir 1 s)
handback-form-1 = Code PIN de l'agent
handback-form-2 = Reprendre l'appareil
signed-title = Signé
signed-1 = Quoi
signed-2 = Heure
signed-3 = Enregistrement
sign-another = Signer un autre
signed-open = Ouvrir dans la Boîte d'envoi
outbox-title = Boîte d'envoi
outbox-1 = Rechercher par référence
outbox-2 = Afficher
sync-now = Envoyer maintenant
record-title = Enregistrement
record-1 = <a>← Retour à la Boîte d'envoi</a>
record-pad-1-alt = Signature manuscrite du client
record-pad-2 = Signature manuscrite (son empreinte figure dans l'enregistrement signé)
bundle-button = Télécharger le dossier de preuves (.zip)
record-technical-1 = Pour l'assistance : l'enregistrement signé et son accusé de réception
health-title = Diagnostic
health-details-1 = Détails : toutes les vérifications
feedback-form-1 = Un problème ? Dites-le-nous
feedback-form-2 = Signaler un problème
feedback-done = Merci — ce sera envoyé à la prochaine synchronisation.
backup-title = Sauvegarde
export-form-1 = Créer une sauvegarde
export-form-2 = Phrase secrète du fichier de sauvegarde (au moins 8 caractères)
export-form-3 = Confirmez la phrase secrète
export-form-4 = Exporter dans un fichier
import-form-1 = Restaurer une sauvegarde
import-form-2 = Fichier de sauvegarde
import-form-3 = Sa phrase secrète
import-form-4 = Importer
help-title = Aide
help-first-day-1 = Votre premier jour
help-first-day-2 = Demandez un code d'inscription à votre administrateur (un lien, un QR code ou 12 lettres).
help-first-day-3 = Ouvrez l'application quand vous avez du réseau, saisissez le code, votre nom et un code PIN dont vous vous souviendrez. Personne d'autre ne peut le réinitialiser.
help-first-day-4 = Ajoutez l'application à votre écran d'accueil : elle s'ouvre alors sans réseau.
help-first-day-5 = Dans <strong>Sauvegarde</strong>, créez une sauvegarde et gardez le fichier et sa phrase secrète séparément.
help-no-signal-1 = Signer sans réseau
help-no-signal-2 = Signez comme d'habitude : chaque enregistrement est conservé sur cet appareil dès que vous signez.
help-no-signal-3 = La Boîte d'envoi l'affiche <em>en attente</em>. Il est envoyé tout seul au retour du réseau ; <strong>Envoyer maintenant</strong> essaie tout de suite.
help-no-signal-4 = Si le navigateur le permet (Diagnostic indique « envoi en arrière-plan disponible »), il est envoyé même si vous fermez l'application ; sinon, ouvrez l'application quand vous avez du réseau.
help-refused-1 = Un enregistrement refusé par le serveur
help-refused-2 = Ouvrez-le dans la <strong>Boîte d'envoi</strong> : il indique pourquoi et que faire.
help-refused-3 = Il reste sur cet appareil ; ne le signez pas à nouveau avant que votre administrateur l'ait examiné.
help-new-phone-1 = Un nouveau téléphone
help-new-phone-2 = Sur l'ancien téléphone, envoyez tout (Boîte d'envoi : rien en attente), puis créez une sauvegarde.
help-new-phone-3 = Sur le nouveau téléphone, ouvrez l'application et choisissez <strong>Restaurer une sauvegarde</strong>, avec le fichier et sa phrase secrète.
help-new-phone-4 = Pas de sauvegarde ? Demandez un nouveau code d'inscription à votre administrateur et refaites la configuration : vos enregistrements envoyés sont en sécurité sur le serveur.
help-forgot-1 = Code PIN oublié
help-forgot-2 = Personne ne peut lire ni réinitialiser votre code PIN, pas même votre administrateur : il scelle votre clé sur cet appareil.
help-forgot-3 = Après plusieurs essais erronés, l'application vous fait attendre ; le compte à rebours s'affiche sur l'écran Déverrouillage.
help-forgot-4 = S'il est vraiment perdu : demandez un nouveau code d'inscription à votre administrateur, puis sur l'écran Déverrouillage, choisissez votre nom et <strong>Se réinscrire avec un nouveau code</strong>. Vous choisissez un nouveau code PIN pour une nouvelle clé ; les enregistrements encore en attente sous l'ancienne sont envoyés comme avant (sauf si le bureau déclare la clé volée), et le bureau voit un seul historique. Une sauvegarde (elle a sa propre phrase secrète) permet aussi de retrouver l'ancienne clé.
codes-title = Signification de chaque message
filter-all = tous
filter-waiting = en attente
filter-sent = envoyés
filter-refused = refusés

## The app: enrolling, unlocking, the crew, backups (www/app.js)

add-worker-title = Ajouter un agent à cet appareil
enroll-again-title = Se réinscrire : { $name }
replacing-note = Vous obtenez une nouvelle clé et choisissez un nouveau code PIN. Les enregistrements encore en attente sous l'ancienne clé de { $name } sont envoyés comme avant, et le bureau voit un seul historique.
pending-note = Votre nom ({ $name }) et votre code PIN sont conservés sur cet appareil : il ne manque plus qu'un code d'inscription valide.
type-code = Saisissez le code d'inscription : 12 lettres et chiffres, comme ABCD-EFGH-JKMN.
type-pin = Saisissez votre code PIN.
type-name = Saisissez votre nom.
pin-short = Choisissez un code PIN d'au moins 6 chiffres.
pins-differ = Les deux codes PIN sont différents. Saisissez deux fois le même code PIN.
storage-kept = Ce navigateur conservera vos signatures même si l'espace vient à manquer.
storage-not-kept = Ce navigateur peut effacer les données conservées si l'espace vient à manquer : synchronisez souvent.
camera-closed = L'appareil photo n'a pas pu être ouvert ({ $why }). Autorisez l'appareil photo pour cette application, ou saisissez le code.
no-qr = Aucun QR code d'inscription n'a été détecté. Maintenez le code immobile dans le champ, ou saisissez-le.
write-comment = Décrivez d'abord ce qui n'a pas marché.
no-failure = Aucun échec n'a été enregistré sur cet appareil : votre message ne peut donc être joint à rien.
passphrase-short = Choisissez une phrase secrète d'au moins 8 caractères.
passphrases-differ = Les deux phrases secrètes sont différentes. Saisissez deux fois la même phrase secrète.
pick-backup = Choisissez d'abord le fichier de sauvegarde.
type-passphrase = Saisissez la phrase secrète de la sauvegarde.
imported = Importé : identités : { $identities }, enregistrements : { $records } (déjà présents : { $skipped }), documents et images pas encore envoyés : { $files }.
remove-unsent = { $count ->
        [one] { $name } a { $count } enregistrement pas encore envoyé. Connectez-vous et envoyez-le d'abord (Boîte d'envoi, Envoyer maintenant), ou supprimez-le avec { $name } : le bureau ne l'a jamais reçu, et il sera perdu.
       *[other] { $name } a { $count } enregistrements pas encore envoyés. Connectez-vous et envoyez-les d'abord (Boîte d'envoi, Envoyer maintenant), ou supprimez-les avec { $name } : le bureau ne les a jamais reçus, et ils seront perdus.
    }
remove-all-sent = Tout ce que { $name } a signé ici est arrivé au bureau. Le retrait supprime la clé et les copies sur cet appareil.
remove-confirm = { $count ->
        [0] Retirer { $name }
        [one] Retirer { $name } et { $count } enregistrement non envoyé
       *[other] Retirer { $name } et { $count } enregistrements non envoyés
    }
next-try = Prochain essai dans { $wait }. Laissez l'application ouverte : l'attente ne s'écoule que pendant qu'elle l'est.

## The app: backups, the crew (www/app.js)

backup-holds = Elle contient votre identité (sa clé toujours scellée par votre code PIN), vos enregistrements et vos rapports d'échec. Les fichiers que le bureau a déjà reçus y sont en sécurité et ne sont pas dans la sauvegarde.
backup-holds-files = Elle contient votre identité (sa clé toujours scellée par votre code PIN), vos enregistrements et vos rapports d'échec, ainsi que les documents et images de signature pas encore envoyés au bureau : { $files }. Les fichiers que le bureau a déjà reçus y sont en sécurité et ne sont pas dans la sauvegarde.
backup-saving = Votre navigateur enregistre la sauvegarde sous « { $name } » ({ $kb } KB) là où il met les téléchargements, en général le dossier Téléchargements. Copiez-la hors de cet appareil, et gardez le fichier et sa phrase secrète séparément.
removed = { $name } a été retiré de cet appareil.

## Problems (www/ui.js)

support-code = Code pour l'assistance : { $code }

## The header (www/app.js)

online = En ligne
offline = Hors ligne
language-label = Langue

## The sign screen (www/signing.js)

state-sending = Conservé sur cet appareil. Envoi…
not-signed = Non signé. { $why }
not-signed-parts = { $count ->
        [one] Non signé : { $count } partie du formulaire demande votre attention (signalée ci-dessus).
       *[other] Non signé : { $count } parties du formulaire demandent votre attention (signalées ci-dessus).
    }
nothing-to-sign = Rien à signer pour l'instant : prenez une photo, remplissez le formulaire ou signez dans la zone de signature.
form-changed = Le formulaire a changé après la signature du client : redonnez-lui l'appareil pour qu'il signe ce qu'il indique maintenant.
location-needed = Votre position n'a pas pu être déterminée ({ $why }), et ce formulaire en a besoin. Autorisez la localisation pour cette application, et réessayez à l'extérieur.
location-failed = Votre position n'a pas pu être déterminée ({ $why }). Réessayez à l'extérieur, ou décochez « { $label } » pour signer sans elle.
state-saved = Conservé sur cet appareil.
state-sent = Envoyé ✓ — le serveur l'a reçu ; son accusé de réception est conservé sur cet appareil.
state-refused = Refusé par le serveur. Ouvrez-le dans la Boîte d'envoi pour voir pourquoi ; il reste sur cet appareil.
later-background = Il sera envoyé au retour de la connexion, même si vous fermez l'application.
later-open = Il sera envoyé au retour de la connexion si l'application est ouverte, sinon à sa prochaine ouverture.
state-offline = Conservé sur cet appareil. Pas de connexion pour l'instant. { $later }
state-not-sent = Conservé sur cet appareil, pas encore envoyé. { $later }
state-not-sent-because = Conservé sur cet appareil, pas encore envoyé : { $why } { $later }
signed-by = Signé par { $name }
pad-done = Terminé
please-sign = Veuillez signer pour :
handback-pin = Saisissez le code PIN de l'agent, ou maintenez le bouton une seconde.

## Forms (www/forms.js)

receipt-title = Bon de livraison
receipt-recipient = Destinataire
receipt-reference = Référence
receipt-notes = Remarques
receipt-photo = Document ou photo
receipt-location = Ajouter ma position
receipt-signature = Signature du client
need-photo = Prenez une photo ou choisissez le document : ce formulaire en exige un.
need-signature = Le client n'a pas encore signé : demandez-lui de signer dans la zone de signature.
need-tick = Cochez cette case pour continuer : { $label }.
need-choice = Choisissez une option : { $label }.
need-answer = Remplissez : { $label }.

## Forms: answers that do not fit (www/forms.js)

choose-none = —
bad-number = { $min ->
        [none] { $max ->
            [none] { $label } : un nombre.
           *[other] { $label } : un nombre jusqu'à { $max }.
        }
       *[other] { $max ->
            [none] { $label } : un nombre d'au moins { $min }.
           *[other] { $label } : un nombre entre { $min } et { $max }.
        }
    }
bad-date = { $label } : une date qui existe.
bad-text = { $label } : { $max } caractères au maximum.
bad-answer = { $label } : cette réponse ne correspond pas au formulaire.

## The outbox and a record (www/outbox.js)

bundle-saving = Votre navigateur enregistre « { $name } » ({ $kb } KB) là où il met les téléchargements. Le fichier contient l'enregistrement signé, son certificat et son accusé de réception, le document et la signature : chacun peut le vérifier, sans connexion, sur la page de vérification ({ $page }) ou avec « offsign verify-bundle ».
row-sent = Envoyé ✓
row-refused = Refusé
row-offline = En attente de connexion
row-sending = Envoi…
row-waiting = En attente d'envoi
outbox-waiting = { $count ->
        [one] { $count } enregistrement en attente d'envoi.
       *[other] { $count } enregistrements en attente d'envoi.
    }
outbox-nothing-waiting = Rien en attente : le serveur a tous les enregistrements.
outbox-whose = Enregistrements de { $name }.
outbox-background = Ce navigateur les envoie en arrière-plan au retour de la connexion, même si vous fermez l'application.
outbox-while-open = Ce navigateur ne les envoie que lorsque l'application est ouverte : ouvrez-la quand vous avez une connexion.
outbox-refused = { $count ->
        [one] { $count } enregistrement refusé par le serveur : ouvrez-le pour voir pourquoi.
       *[other] { $count } enregistrements refusés par le serveur : ouvrez-les pour voir pourquoi.
    }
row-for = Pour { $name }
row-document = Document
no-match = Aucun enregistrement dont la référence contient « { $query } ».
list-empty = Aucun enregistrement dans cette liste.
nothing-signed = Rien n'a encore été signé sur cet appareil.
older-not-shown = Enregistrements plus anciens non affichés : { $count }. Recherchez par référence pour en trouver un.
last-sent = Dernier envoi : { $when }
never = jamais
unknown = inconnu
send-offline = Pas de connexion : les enregistrements attendent sur cet appareil et seront envoyés au retour de la connexion.
sending-count = { $count ->
        [one] Envoi de { $count } enregistrement…
       *[other] Envoi de { $count } enregistrements…
    }
checking = Vérification auprès du serveur…
sent-count = { $count ->
        [one] { $count } enregistrement envoyé.
       *[other] { $count } enregistrements envoyés.
    }
duplicate-count = { $count ->
        [one] { $count } enregistrement déjà reçu par le serveur.
       *[other] { $count } enregistrements déjà reçus par le serveur.
    }
refused-count = { $count ->
        [one] { $count } enregistrement refusé : ouvrez-le pour voir pourquoi.
       *[other] { $count } enregistrements refusés : ouvrez-les pour voir pourquoi.
    }
renewed = Votre certificat a été renouvelé.
forms-updated = De nouveaux formulaires du bureau sont prêts à être signés.
nothing-to-send = Rien à envoyer : le serveur a tous les enregistrements.
not-sent = Non envoyé : { $why }
yes = Oui
no = Non
record-not-found = Enregistrement introuvable
record-not-here = Aucun enregistrement avec cet identifiant sur cet appareil.
signed-for = Signé pour { $name }
support-code-message = Code pour l'assistance : { $code } ({ $message })
field-document = Document
bytes = { $count } octets
field-signed = Signé
field-location = Position
field-received = Reçu par le serveur
tech-id = Identifiant de l'enregistrement
tech-seq = Numéro dans la chaîne
tech-sha256 = SHA-256 du document
tech-hash = Empreinte de l'enregistrement
tech-certificate = Certificat
tech-receipt = Accusé de réception
tech-no-receipt = pas encore
signed-photo = La photo signée : { $name }
open-document = Ouvrir le document ({ $name })

## Health and Help (www/health.js)

check-randomness = Nombres aléatoires sécurisés
check-storage_writable = Enregistrement sur cet appareil
check-storage_persistent = Conservation si l'espace manque
check-storage_headroom = Espace libre
check-certificate = Certificat
check-revocation_list = Liste des certificats révoqués
check-clock = Horloge
check-identity = Identité
check-pending_records = Enregistrements en attente
check-pending_evidence = Documents en attente
check-rejected_records = Enregistrements refusés
check-clock_offset = Horloge par rapport au serveur
check-last_sync = Dernier envoi
check-version = Version de l'application
check-background_sync = Envoi après fermeture de l'application
check-offline_app = Ouverture sans connexion
check-of = { $check } ({ $who })
background-sync-yes = envoi en arrière-plan disponible : les enregistrements sont envoyés même après la fermeture de l'application
background-sync-no = envoi en arrière-plan : non disponible dans ce navigateur
background-sync-remedy = Les enregistrements sont envoyés quand l'application est ouverte (au démarrage, au retour de la connexion, toutes les 5 minutes). Ouvrez l'application quand vous avez du réseau.
offline-ready = prête : l'application s'ouvre sans réseau
offline-not-yet = pas encore
offline-remedy = Ouvrez encore une fois l'application en étant connecté pour qu'elle puisse fonctionner hors ligne.
needs-attention = À vérifier :
ready = Prêt à signer
ready-once-unlocked = Prêt à signer après déverrouillage
more-below = Et { $count } de plus ci-dessous.
status-ok = OK
status-warn = Attention
status-fail = Problème
code = Code : { $code }

## Where the worker is (www/signing.js)

no-geolocation = ce navigateur ne peut pas déterminer sa position
no-position-15 = aucune position en 15 secondes
no-position = aucune position
location-denied = cette application n'a pas le droit d'utiliser votre position
no-fix = l'appareil n'arrive pas à se localiser
no-position-10 = aucune position en 10 secondes

## Practice mode and the first run (www/index.html, www/practice.js)

practice-banner = Entraînement : rien de ce que vous signez ici n'est envoyé au bureau.
practice-leave = Quitter l'entraînement
practice-first = Vous découvrez offsign ? <a>Entraînez-vous d'abord</a> : signez des documents d'exemple et découvrez chaque problème et sa solution ; rien n'est envoyé.
first-run-title = Votre première signature, en quatre étapes
first-run-1 = Remplissez le formulaire ; les parties marquées (obligatoire) doivent être renseignées.
first-run-2 = Passez l'appareil au client, ou laissez-le signer dans la zone de signature.
first-run-3 = Touchez <strong>Signer</strong> : l'enregistrement est aussitôt conservé sur cet appareil, avec ou sans réseau.
first-run-4 = La <strong>Boîte d'envoi</strong> indique quand le bureau l'a reçu. Un problème indique toujours que faire.
first-run-practice = S'entraîner d'abord
first-run-done = Compris
practice-stage = S'entraîner sur un problème
stage-none = aucun : signer normalement
stage-expired = un certificat expiré
stage-revoked = un certificat révoqué
stage-clock = l'horloge de l'appareil est fausse
stage-storage = le stockage de l'appareil est plein
practice-enroll-title = Entraînement : choisissez un nom et un code PIN
practice-enroll-note = Aucun code n'est nécessaire : cette identité d'entraînement reste sur cet appareil et rien de ce qu'elle signe n'est envoyé.
practice-authority = Bureau d'entraînement
practice-kept = Entraînement : conservé sur cet appareil, jamais envoyé.
practice-not-sent = Entraînement : rien n'est envoyé au bureau. Quittez l'entraînement pour envoyer de vrais enregistrements.

## Each worker's own Health and backup (www/health.js, www/app.js)

health-whose = Vérifications de la clé de { $name } et de cet appareil.
backup-whose = Une sauvegarde contient un seul agent : { $name }, l'agent déverrouillé maintenant. Chaque agent de l'équipe enregistre la sienne.

## The error table (crate/src/error_table.rs): what each code means, and what to do

err-wrong_pin = Le code PIN ou la phrase secrète n'ouvre pas cette clé.
    .remedy = Vérifiez votre code PIN et réessayez. Après plusieurs essais erronés, vous devez attendre avant le suivant.
err-pin_too_short = Le code PIN ou la phrase secrète est plus court que la longueur minimale.
    .remedy = Choisissez un code PIN d'au moins 6 chiffres, ou une phrase secrète plus longue.
err-pin_locked_out = Trop de codes PIN erronés ; le prochain essai doit attendre.
    .remedy = Trop de codes PIN erronés. Attendez la fin du compte à rebours avant le prochain essai. Personne ne peut réinitialiser un code PIN : si vous l'avez oublié, demandez à votre bureau un nouveau code d'inscription et choisissez « Se réinscrire » (les enregistrements en attente sur cet appareil sont quand même envoyés), ou restaurez une sauvegarde.
err-wrong_passphrase = La phrase secrète n'ouvre pas cette sauvegarde.
    .remedy = Vérifiez la phrase secrète de la sauvegarde (ce n'est pas votre code PIN) et réessayez.
err-identity_locked = L'identité est verrouillée et sa clé a été effacée de la mémoire.
    .remedy = Déverrouillez avec votre code PIN, puis signez à nouveau.
err-identity_not_found = Aucune identité avec cet identifiant de clé n'est enregistrée sur cet appareil.
    .remedy = Choisissez votre nom dans la liste, ou configurez à nouveau cet appareil.
err-unsent_records = L'agent a sur cet appareil des enregistrements que le serveur n'a pas reçus ; rien n'a été supprimé.
    .remedy = Envoyez-les d'abord (« Boîte d'envoi », « Envoyer maintenant », avec une connexion), ou confirmez qu'ils seront supprimés avec l'agent.
err-report_not_found = Aucun rapport d'échec avec cet identifiant n'est enregistré sur cet appareil.
    .remedy = Rouvrez la page « Diagnostic » et choisissez le problème dans la liste.
err-record_not_found = Cet appareil ne conserve aucun enregistrement avec cet identifiant.
    .remedy = Ouvrez la « Boîte d'envoi » et choisissez l'enregistrement dans la liste. Les enregistrements acceptés par le serveur il y a longtemps ont pu être supprimés de cet appareil : demandez-les à votre bureau.
err-evidence_not_found = Cet appareil ne conserve pas ce document ou cette image de signature pour l'enregistrement.
    .remedy = Il a été signé sur un autre appareil ou avant que cette application ne conserve les documents, ou bien il a été effacé pour libérer de la place après que le serveur l'a stocké : demandez à votre bureau le dossier de preuves de l'enregistrement.
err-evidence_refused = Le serveur a refusé un document ou une image de signature : il ne correspond pas à son enregistrement, ou il dépasse la taille acceptée par le serveur.
    .remedy = L'enregistrement signé est en sécurité sur le serveur ; le fichier lui-même reste sur cet appareil. Utilisez « Signaler un problème » sur la page « Diagnostic » pour que votre administrateur puisse le récupérer.
err-not_enrolled = Cette identité n'a pas encore de certificat.
    .remedy = Connectez-vous à Internet et inscrivez-vous avec le code de votre administrateur.
err-self_check_failed = Une nouvelle signature a échoué deux fois à sa propre vérification ; rien n'a été enregistré.
    .remedy = Fermez complètement l'application, rouvrez-la et signez à nouveau. Si cela se reproduit, utilisez « Signaler un problème » sur la page « Diagnostic ».
err-randomness_unavailable = L'aléa sécurisé (crypto.getRandomValues sur un appareil, le système d'exploitation sur le serveur) n'est pas disponible.
    .remedy = Mettez à jour votre navigateur, ou utilisez un autre navigateur ou un autre appareil.
err-cert_untrusted = Le certificat n'est pas signé par l'autorité de confiance ou n'appartient pas à cette clé.
    .remedy = Réinscrivez cet appareil avec un nouveau code de votre administrateur.
err-cert_not_yet_valid = Le certificat n'est pas encore valide.
    .remedy = Vérifiez que la date et l'heure de votre appareil sont correctes, ou attendez que le certificat devienne valide.
err-cert_expired = Le certificat a expiré.
    .remedy = Demandez à votre bureau un nouveau code d'inscription et choisissez « Se réinscrire » sur l'écran « Déverrouillage » : vous obtenez une nouvelle clé sur cet appareil, et les enregistrements que vous avez signés avant l'expiration du certificat sont quand même envoyés.
err-cert_revoked = Le certificat a été révoqué (remplacé, ou l'agent est parti) : les enregistrements signés avant restent valables.
    .remedy = Vous ne pouvez plus signer avec cette clé. Les enregistrements que vous avez signés avant sa révocation sont quand même envoyés. Demandez à votre bureau un nouveau code d'inscription et choisissez « Se réinscrire » sur l'écran « Déverrouillage ».
err-key_compromised = La clé a été révoquée comme compromise, ou sans motif indiqué : tout enregistrement signé avec elle est refusé.
    .remedy = Les enregistrements signés avec cette clé sont refusés par le serveur, y compris ceux encore en attente sur cet appareil. Demandez à votre bureau un nouveau code d'inscription, choisissez « Se réinscrire », et signez à nouveau ces documents avec la nouvelle clé.
err-cert_expiring = Le certificat expire bientôt.
    .remedy = Connectez-vous à Internet et ouvrez l'application pour que votre certificat soit renouvelé.
err-revocation_list_stale = La liste de révocation est périmée ou absente.
    .remedy = Connectez-vous à Internet et ouvrez l'application pour la mettre à jour.
err-revocation_list_untrusted = La liste de révocation n'est pas signée par l'autorité de confiance.
    .remedy = Connectez-vous à Internet et ouvrez l'application pour récupérer une nouvelle liste, ou demandez à votre administrateur.
err-clock_skew = L'horloge de l'appareil est antérieure à l'heure de la dernière signature.
    .remedy = Réglez correctement la date et l'heure de votre appareil (l'heure automatique est préférable), puis signez à nouveau.
err-bad_signature = La signature n'est pas valide.
    .remedy = L'enregistrement a été modifié ou signé avec une autre clé. Ne vous y fiez pas ; demandez à votre administrateur.
err-key_mismatch = L'enregistrement désigne une autre clé que celle avec laquelle il a été vérifié.
    .remedy = Vérifiez l'enregistrement avec la clé publique de l'agent qui l'a signé.
err-chain_broken = L'enregistrement ne suit pas l'enregistrement précédent indiqué (l'empreinte ou le numéro de séquence diffère).
    .remedy = Un enregistrement manque ou a été modifié. Conservez tous les enregistrements et demandez à votre administrateur.
err-unsupported_algorithm = L'algorithme JWS n'est pas Ed25519 (ni EdDSA, son ancien nom).
    .remedy = Utilisez un enregistrement signé par offsign ou par un autre signataire JOSE Ed25519.
err-malformed_jws = Le JWS n'est pas une sérialisation compacte bien formée.
    .remedy = Les données sont endommagées ou ne sont pas un enregistrement signé. Demandez à votre administrateur.
err-malformed_jwk = Le JWK n'est pas une clé Ed25519 (OKP) bien formée.
    .remedy = Utilisez le fichier de clé exactement tel qu'offsign l'a écrit.
err-malformed_record = Le contenu de l'enregistrement n'a pas le format d'enregistrement offsign.
    .remedy = Les données sont endommagées ou ne sont pas un enregistrement offsign. Demandez à votre administrateur.
err-malformed_certificate = Le certificat n'a pas le format de certificat offsign.
    .remedy = Réinscrivez cet appareil avec un nouveau code de votre administrateur.
err-malformed_revocation_list = La liste de révocation n'a pas le format offsign.
    .remedy = Connectez-vous à Internet et ouvrez l'application pour récupérer une nouvelle liste.
err-malformed_sealed_key = La clé scellée est endommagée ou dans un format inconnu.
    .remedy = Restaurez votre identité à partir d'une sauvegarde, ou réinscrivez cet appareil.
err-malformed_backup = Le fichier de sauvegarde est endommagé, tronqué ou n'est pas une sauvegarde offsign ; rien n'a été importé.
    .remedy = Utilisez une autre copie du fichier de sauvegarde, ou demandez à votre administrateur.
err-storage_full = L'espace de stockage du navigateur pour cette application est plein ; rien n'a été écrit.
    .remedy = Connectez-vous à Internet pour que les enregistrements envoyés puissent être effacés, libérez de l'espace sur l'appareil, ou demandez à votre administrateur.
err-storage_unavailable = Le stockage ne peut être ni ouvert ni écrit : l'IndexedDB du navigateur, ou la base de données du serveur.
    .remedy = Fermez les autres onglets de cette application et rouvrez-la. La navigation privée peut bloquer le stockage ; utilisez une fenêtre normale.
err-device_closed = Ce Device a été libéré (free()) ; son worker et toutes les clés qu'il détenait ont disparu. Ouvrez-en un nouveau avec Device.open().
    .remedy = Fermez complètement l'application et rouvrez-la.
err-device_unavailable = Le worker du Device n'a pas pu démarrer ou répondre : device_worker.js ou offsign_device_bg.wasm n'est pas servi à côté de offsign.js, une politique de sécurité du contenu interdit le worker (worker-src) ou WebAssembly (wasm-unsafe-eval), ou le navigateur l'a arrêté.
    .remedy = Fermez complètement l'application et rouvrez-la en étant connecté à Internet. Si cela se reproduit, prévenez votre administrateur.
err-server_unreachable = Le serveur n'a pas pu être joint ; rien n'a été perdu.
    .remedy = Vos signatures sont en sécurité sur cet appareil et seront envoyées au retour de la connexion.
err-server_refused = Le serveur a refusé la requête.
    .remedy = Mettez à jour l'application (rechargez-la en étant connecté à Internet), ou demandez à votre administrateur.
err-enrollment_refused = Le serveur a refusé le code d'inscription ; aucun certificat n'a été délivré.
    .remedy = Demandez à votre administrateur un nouveau code d'inscription.
err-answer_untrusted = La réponse du serveur n'a pas pu être vérifiée avec la clé d'autorité de cet appareil ; les enregistrements qu'elle mentionnait n'ont pas été marqués comme envoyés.
    .remedy = Vos signatures sont en sécurité sur cet appareil et seront envoyées à nouveau. Contactez votre administrateur : la clé du serveur a peut-être changé, ou quelque chose sur le réseau a modifié ses réponses.
err-record_rejected = Le serveur a refusé un enregistrement signé.
    .remedy = Ouvrez l'enregistrement dans la « Boîte d'envoi » pour voir pourquoi, et demandez à votre administrateur. Il reste sur cet appareil.
err-malformed_input = Un argument a un type, une longueur, un encodage ou une taille incorrects.
    .remedy = C'est un problème dans l'application. Utilisez « Signaler un problème » sur la page « Diagnostic ».
err-malformed_bundle = Le fichier n'est pas un dossier de preuves offsign, ou il est endommagé ou incomplet.
    .remedy = Téléchargez à nouveau le dossier depuis l'application ou la console, et ouvrez-le tel quel (ne le décompressez pas pour le recompresser).
err-form_unknown = Le formulaire, ou cette version du formulaire, n'est pas disponible ici : sur l'appareil, rien n'a été signé ; sur le serveur, l'enregistrement est refusé.
    .remedy = Connectez-vous à Internet et envoyez (« Boîte d'envoi », « Envoyer maintenant ») pour que l'appareil reçoive les formulaires du bureau, puis signez à nouveau ; si le serveur a refusé un enregistrement, demandez à votre administrateur. L'enregistrement reste sur cet appareil.
err-form_answers_invalid = Les réponses ne correspondent pas au formulaire qu'elles désignent : un champ obligatoire est vide, ou une réponse n'est pas du bon type.
    .remedy = Remplissez les parties signalées, puis signez. Si le serveur a refusé un enregistrement pour cette raison, rechargez l'application en étant connecté à Internet pour obtenir les formulaires les plus récents, et prévenez votre administrateur.
err-chain_fork = Le serveur détient un autre enregistrement de cette clé avec ce numéro de séquence.
    .remedy = Deux enregistrements revendiquent la même place dans votre chaîne (une sauvegarde restaurée, ou une même clé sur deux appareils). Demandez à votre administrateur ; l'enregistrement reste ici.
err-id_conflict = Le serveur détient un autre enregistrement avec cet identifiant.
    .remedy = Demandez à votre administrateur ; l'enregistrement reste sur cet appareil.
err-cert_unknown = Le serveur n'a pas délivré le certificat indiqué.
    .remedy = Réinscrivez cet appareil avec un nouveau code de votre administrateur.
err-signed_in_future = L'heure de signature de l'enregistrement est postérieure à l'heure du serveur.
    .remedy = Réglez correctement la date et l'heure de votre appareil (le mode automatique est préférable) et prévenez votre administrateur.
err-cert_not_yet_valid_at_signing = L'enregistrement a été signé avant que son certificat ne devienne valide.
    .remedy = Réglez correctement la date et l'heure de votre appareil (le mode automatique est préférable) et prévenez votre administrateur.
err-cert_expired_at_signing = L'enregistrement a été signé après l'expiration de son certificat.
    .remedy = Connectez-vous à Internet pour renouveler votre certificat, et prévenez votre administrateur.
err-cert_revoked_at_signing = L'enregistrement a été signé après la révocation de son certificat.
    .remedy = Les enregistrements signés après la révocation sont refusés. Demandez à votre bureau un nouveau code d'inscription, choisissez « Se réinscrire », et signez à nouveau le document avec la nouvelle clé.
err-malformed_form = Une définition de formulaire n'est pas utilisable par offsign : son JSON, ses champs, ses noms ou ses limites sont incorrects.
    .remedy = Le message indique ce qui ne va pas. Corrigez le fichier du formulaire et ajoutez-le à nouveau ; le formulaire en service reste inchangé.
err-replaced_key_unknown = La clé que cette inscription remplace n'appartient pas à l'agent du code.
    .remedy = Choisissez « Se réinscrire » sous le nom de l'agent lui-même sur l'écran « Déverrouillage », ou demandez à votre administrateur un code pour cet agent.
err-malformed_report = Le rapport d'échec n'a pas le format de rapport offsign.
    .remedy = Mettez à jour l'application (rechargez-la en étant connecté à Internet).
err-weak_key = La clé est de petit ordre ou a une composante de torsion ; elle n'est pas certifiée.
    .remedy = Le serveur a refusé la clé de cet appareil. Mettez à jour l'application, ou demandez à votre administrateur.
err-proof_invalid = La preuve d'inscription n'est pas signée par la clé, ou concerne un autre code ou un autre défi.
    .remedy = Le serveur a refusé la clé de cet appareil. Mettez à jour l'application, ou demandez à votre administrateur.
err-challenge_stale = Le défi d'inscription est trop ancien.
    .remedy = L'inscription a pris trop de temps, ou l'horloge du serveur est décalée. Réessayez.
err-enrollment_code_unknown = Ce code d'inscription n'existe pas.
    .remedy = Ce code est inconnu. Vérifiez-le lettre par lettre, ou demandez-en un nouveau à votre administrateur.
err-enrollment_code_used = Le code d'inscription a déjà été utilisé.
    .remedy = Ce code a déjà été utilisé. Demandez-en un nouveau à votre administrateur.
err-enrollment_code_expired = Le code d'inscription a expiré.
    .remedy = Ce code a expiré. Demandez-en un nouveau à votre administrateur.
err-request_stale = La requête a été faite il y a trop longtemps, ou l'horloge de l'appareil est décalée.
    .remedy = Réglez correctement la date et l'heure de votre appareil (le mode automatique est préférable), puis reconnectez-vous.
err-malformed_request = Le serveur n'a pas pu lire la requête : son JSON, ses membres ou ses tailles.
    .remedy = Mettez à jour l'application (rechargez-la en étant connecté à Internet), ou demandez à votre administrateur.
err-unsupported_media_type = Le corps de la requête n'est pas en application/json.
    .remedy = Mettez à jour l'application (rechargez-la en étant connecté à Internet), ou demandez à votre administrateur.
err-rate_limited = Trop de requêtes depuis cette adresse, ou trop de rapports de cette clé aujourd'hui.
    .remedy = Rien n'est perdu ; l'application réessaiera plus tard d'elle-même.
err-unauthorized = La requête nécessite le jeton d'accès (bearer token) du serveur.
    .remedy = Donnez à l'outil de supervision le jeton avec lequel le serveur a été démarré (--metrics-token).
err-login_required = La console nécessite une session : connectez-vous d'abord (ou la session a pris fin).
    .remedy = Reconnectez-vous à la console.
err-login_refused = Nom ou mot de passe incorrect.
    .remedy = Vérifiez le nom et le mot de passe. Après plusieurs mots de passe erronés, le compte est verrouillé pendant un certain temps ; un administrateur peut envoyer un nouveau lien de configuration.
err-login_locked = Trop de mots de passe erronés : le compte est verrouillé pendant 15 minutes.
    .remedy = Attendez 15 minutes et réessayez, ou demandez à un administrateur un nouveau lien de configuration (offsign-server admin add).
err-csrf_refused = La modification ne comportait pas le jeton de formulaire de cette session ; rien n'a été modifié.
    .remedy = Rechargez la page de la console et refaites la modification.
err-role_refused = Un compte d'auditeur voit tout et ne modifie rien.
    .remedy = Demandez à un administrateur de faire la modification.
err-revocation_list_unavailable = Le serveur ne peut pas signer de liste de révocation pour le moment.
    .remedy = Rien n'est perdu. Demandez à votre administrateur de vérifier les révocations du serveur.
err-malformed_evidence = Une preuve scellée (un document ou une image de signature) n'a pas pu être ouverte : elle est endommagée, incomplète, ou destinée à une autre clé ou à un autre enregistrement.
    .remedy = Rien n'en a été conservé. L'application la renvoie depuis le début ; si le problème persiste, utilisez « Signaler un problème » sur la page « Diagnostic ».
err-digest_mismatch = Les octets d'un document ou d'une image de signature ne correspondent pas à l'empreinte signée dans son enregistrement.
    .remedy = La copie a été modifiée ou confondue avec une autre après la signature ; elle n'a pas été conservée. Utilisez la copie conservée avec l'enregistrement sur l'appareil qui a signé, et demandez à votre administrateur.
err-record_unknown = Le serveur ne détient aucun enregistrement avec cet identifiant ; il n'accepte donc aucune preuve pour celui-ci.
    .remedy = Rien n'est perdu : l'application envoie d'abord l'enregistrement, puis ses preuves.
err-evidence_too_large = La preuve est plus volumineuse que ce que déclare son enregistrement, ou que ce que ce serveur accepte.
    .remedy = L'enregistrement lui-même est en sécurité sur le serveur ; le fichier reste sur cet appareil. Demandez à votre administrateur d'augmenter la limite de taille des preuves sur le serveur.
err-upload_offset_mismatch = Un fragment d'envoi ne commence pas là où se termine la copie de l'envoi détenue par le serveur.
    .remedy = Rien n'est perdu : l'application demande au serveur où reprendre et reprend à partir de là.
err-internal_error = Le serveur a échoué en répondant.
    .remedy = Rien n'est perdu ; l'application réessaiera plus tard. Prévenez votre administrateur si le problème persiste.
err-form_incomplete = Une partie exigée par le formulaire manque ; rien n'a été signé.
    .remedy = Remplissez les parties signalées, puis signez.
err-location_unavailable = La position de l'appareil a été demandée mais n'a pas pu être déterminée ; rien n'a été signé.
    .remedy = Autorisez la localisation pour cette application et réessayez à l'extérieur, ou signez sans votre position si le formulaire le permet.
err-camera_unavailable = L'appareil photo n'a pas pu être ouvert, ou il n'a détecté aucun QR code d'inscription à temps.
    .remedy = Autorisez l'appareil photo pour cette application et maintenez le code immobile dans le champ, ou saisissez le code.

## The device's sentences with specifics (dev-KEY): remedies that name a date or a count, and what each Health check found

dev-wrong-pin-tries-left = Vérifiez votre code PIN et réessayez. { $tries ->
        [one] Il vous reste { $tries } essai
       *[other] Il vous reste { $tries } essais
    } avant de devoir attendre.
dev-pin-wait-minutes = Trop de codes PIN erronés. Attendez { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    } avant le prochain essai (laissez l'application ouverte : l'attente ne s'écoule que pendant qu'elle l'est). Personne ne peut réinitialiser un code PIN : si vous l'avez oublié, demandez à votre bureau un nouveau code d'inscription et choisissez « Se réinscrire » (les enregistrements en attente sur cet appareil sont quand même envoyés), ou restaurez une sauvegarde.
dev-cert-valid-from = Votre certificat est valide à partir du { $date }. Vérifiez que la date et l'heure de votre appareil sont correctes.
dev-cert-expired-on = Votre certificat a expiré le { $date }. Demandez à votre bureau un nouveau code d'inscription et choisissez « Se réinscrire » : les enregistrements que vous avez signés avant sont quand même envoyés.
dev-cert-expires-on = Votre certificat expire le { $date }. Connectez-vous à Internet et ouvrez l'application pour qu'il soit renouvelé.
dev-enrollment-refused = { $reason ->
        [enrollment_code_used] { err-enrollment_code_used.remedy }
        [enrollment_code_expired] { err-enrollment_code_expired.remedy }
        [challenge_stale] { err-challenge_stale.remedy }
        [proof_invalid] { err-proof_invalid.remedy }
        [weak_key] { err-weak_key.remedy }
        [replaced_key_unknown] { err-replaced_key_unknown.remedy }
       *[other] { err-enrollment_code_unknown.remedy }
    }
dev-enroll-needs-connection = L'inscription nécessite une connexion. Connectez-vous à Internet et réessayez.
dev-not-an-offsign-server = Aucun serveur offsign ne répond à l'adresse de serveur qu'utilise cette application. Vérifiez l'adresse (le réglage du serveur dans l'application), ou demandez à votre administrateur.
dev-unlock-then-enroll = Déverrouillez avec votre code PIN, puis réinscrivez-vous.
dev-unlock-then-backup = Déverrouillez avec votre code PIN, puis créez la sauvegarde.
dev-unlock-then-bundle = Déverrouillez avec votre code PIN, puis téléchargez à nouveau le dossier de preuves.
dev-backup-not-these-records = Cette sauvegarde ne correspond pas aux enregistrements de cet appareil. Rien n'a été importé ; demandez à votre administrateur.
dev-sign-again = Rien n'a été signé. Signez à nouveau le document.
dev-newer-version-open = Une version plus récente de cette application est ouverte dans un autre onglet ou une autre fenêtre. Rechargez cette page pour l'utiliser.
dev-file-changed = Choisissez à nouveau le fichier, et signez-le une fois qu'il est entièrement enregistré.
dev-randomness-available = disponibles
dev-storage-writable = possible
dev-failed-with = échec ({ $code })
dev-persistence-granted = accordée
dev-persistence-not-granted = non accordée : le navigateur peut effacer les données de cette application si l'espace vient à manquer
dev-install-the-app = Installez l'application (Ajouter à l'écran d'accueil) et ouvrez-la depuis l'écran d'accueil, puis vérifiez à nouveau.
dev-persistence-unsupported = ce navigateur ne peut pas garantir la conservation des données
dev-sync-often = Synchronisez souvent pour que les enregistrements signés parviennent vite au serveur.
dev-storage-used = { $used } MiB { $used ->
        [one] utilisé
       *[other] utilisés
    } sur { $quota } MiB
dev-storage-use-unknown = inconnu dans ce navigateur
dev-no-identity = aucune identité sur cet appareil
dev-set-up-this-device = Configurez cet appareil avec le code de votre administrateur.
dev-not-enrolled = non inscrit
dev-days-left = { $days ->
        [one] { $days } jour restant
       *[other] { $days } jours restants
    }
dev-up-to-date = à jour
dev-list-stale = à mettre à jour : la liste des certificats révoqués est absente ou périmée
dev-clock-before-last-signature = l'heure de l'appareil ({ $now }) est antérieure à sa dernière signature ({ $last })
dev-time-now = { $now }
dev-none = aucun
dev-refused-by-server = { $count ->
        [one] { $count } refusé par le serveur
       *[other] { $count } refusés par le serveur
    }
dev-open-the-outbox = Ouvrez la « Boîte d'envoi » pour voir pourquoi chacun a été refusé, et demandez à votre administrateur.
dev-last-sync-at = { $at }
dev-never-nothing-to-send = jamais (rien à envoyer)
dev-never = jamais
dev-connect-to-send = Connectez-vous à Internet pour que les enregistrements signés soient envoyés.
dev-version = { $version }
dev-offset-not-measured = pas encore mesuré (mesure à chaque synchronisation)
dev-offset-within = à moins de { $seconds } s de l'heure du serveur
dev-clock-behind = l'horloge de l'appareil retarde de { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    } sur celle du serveur ; les signatures utilisent l'heure du serveur
dev-clock-ahead = l'horloge de l'appareil avance de { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    } sur celle du serveur ; les signatures utilisent l'heure du serveur
dev-automatic-time = Réglez l'appareil sur la date et l'heure automatiques.
dev-none-waiting = aucun en attente
dev-evidence-waiting = { $count ->
        [one] { $count } document ou image
       *[other] { $count } documents et images
    } ({ $size } MiB) en attente d'envoi
dev-records-waiting = { $count ->
        [one] { $count } en attente depuis { $hours } h
       *[other] { $count } en attente, le plus ancien depuis { $hours } h
    }
