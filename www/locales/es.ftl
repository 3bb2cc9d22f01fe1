# Las palabras de la app de campo en español (neutro, tuteo). Traducido de en.ftl.

## The page (www/index.html: data-i18n)

update = Hay una actualización —
reload = recargar
tabs-aria-label = Pantallas
tabs-2 = Firmar
tabs-3 = Bandeja de salida
tabs-4 = Diagnóstico
tabs-5 = Copia de seguridad
tabs-6 = Ayuda
loading = Cargando…
enroll-title = Configura este dispositivo
enroll-1 = Escribe el código de inscripción que te dio tu administrador. Solo necesitas conexión para este paso.
enroll-form-1 = Código de inscripción
scan = Escanear el código QR
camera-aria-label = Cámara, buscando el código QR de inscripción
new-identity-1 = Tu nombre
new-identity-2 = Elige un PIN (al menos 6 dígitos)
new-identity-3 = Repite el PIN
pending-pin-1 = Tu PIN
enroll-form-2 = Inscribir
enroll-2 = ¿Teléfono nuevo o navegador borrado? <a>Restaurar desde una copia de seguridad</a>
unlock-title = Desbloquear
unlock-form-1 = Quién firma
unlock-form-2 = PIN
unlock-form-3 = Desbloquear
unlock-1 = <a>¿Olvidaste tu PIN?</a> · <a>Inscribir de nuevo con un código nuevo</a> (PIN olvidado, clave vencida o reemplazada)
unlock-2 = ¿Dispositivo compartido? <a>Agregar trabajador</a>: cada uno tiene su propia clave, su PIN y su bandeja de salida, y se desbloquea uno a la vez.
remove-worker-1 = Eliminar un trabajador de este dispositivo
remove-worker-2 = El trabajador elegido arriba pierde su clave en este dispositivo y ya no puede firmar aquí. Lo que ya se envió sigue a salvo en la oficina.
remove-ask = Eliminar al trabajador elegido…
remove-keep = Conservar
sign-title = Firmar un documento
signing-as = Firmando como
switch-worker = Cambiar de trabajador
form-choice-box = Formulario
required = (obligatorio)
pad-aria-label = Panel de firma: dibuja con el dedo, un lápiz táctil o el mouse
pad-undo = Deshacer
pad-clear = Borrar
pad-full = Pantalla completa
handoff = Pasar al cliente
preview-1 = Ver lo que se va a firmar
sign-button = Firmar
handback-hold = Devolver al trabajador (mantén 1 s)
handback-form-1 = PIN del trabajador
handback-form-2 = Recuperar el dispositivo
signed-title = Firmado
signed-1 = Qué
signed-2 = Hora
signed-3 = Registro
sign-another = Firmar otro
signed-open = Abrir en la bandeja de salida
outbox-title = Bandeja de salida
outbox-1 = Buscar por referencia
outbox-2 = Mostrar
sync-now = Enviar ahora
record-title = Registro
record-1 = <a>← Volver a la bandeja de salida</a>
record-pad-1-alt = La firma a mano del cliente
record-pad-2 = Firma a mano (su resumen está en el registro firmado)
bundle-button = Guardar el paquete de evidencias (.zip)
record-technical-1 = Para soporte: el registro firmado y su comprobante
health-title = Diagnóstico
health-details-1 = Detalles: todas las comprobaciones
feedback-form-1 = ¿Algo salió mal? Cuéntanos
feedback-form-2 = Enviar comentarios
feedback-done = Gracias — se enviará con la próxima sincronización.
backup-title = Copia de seguridad
export-form-1 = Guardar una copia de seguridad
export-form-2 = Frase de contraseña del archivo de copia (al menos 8 caracteres)
export-form-3 = Repite la frase de contraseña
export-form-4 = Exportar a un archivo
import-form-1 = Restaurar desde una copia de seguridad
import-form-2 = Archivo de copia de seguridad
import-form-3 = Su frase de contraseña
import-form-4 = Importar
help-title = Ayuda
help-first-day-1 = Tu primer día
help-first-day-2 = Pide a tu administrador un código de inscripción (un enlace, un código QR o 12 letras).
help-first-day-3 = Abre la app cuando tengas señal y escribe el código, tu nombre y un PIN que vayas a recordar. Nadie más puede restablecerlo.
help-first-day-4 = Agrega la app a tu pantalla de inicio: así se abre sin señal.
help-first-day-5 = En <strong>Copia de seguridad</strong>, guarda una copia y mantén el archivo y su frase de contraseña por separado.
help-no-signal-1 = Firmar sin señal
help-no-signal-2 = Firma como siempre: cada registro se guarda en este dispositivo en el momento en que firmas.
help-no-signal-3 = La bandeja de salida lo muestra <em>en espera</em>. Se envía solo cuando vuelve la señal; <strong>Enviar ahora</strong> lo intenta de inmediato.
help-no-signal-4 = Si el navegador lo permite (Diagnóstico dice «sincronización en segundo plano disponible»), se envía aunque cierres la app; si no, abre la app cuando tengas señal.
help-refused-1 = Un registro que el servidor rechazó
help-refused-2 = Ábrelo en la <strong>Bandeja de salida</strong>: dice por qué y qué hacer.
help-refused-3 = Se queda en este dispositivo; no lo vuelvas a firmar hasta que tu administrador lo haya revisado.
help-new-phone-1 = Un teléfono nuevo
help-new-phone-2 = En el teléfono viejo, envía todo (Bandeja de salida: nada en espera) y luego guarda una copia de seguridad.
help-new-phone-3 = En el teléfono nuevo, abre la app y elige <strong>Restaurar desde una copia de seguridad</strong>, con el archivo y su frase de contraseña.
help-new-phone-4 = ¿No tienes copia? Pide a tu administrador un nuevo código de inscripción y vuelve a configurar: tus registros enviados están a salvo en el servidor.
help-forgot-1 = PIN olvidado
help-forgot-2 = Nadie puede leer ni restablecer tu PIN, ni siquiera tu administrador: protege tu clave en este dispositivo.
help-forgot-3 = Después de varios intentos fallidos, la app te hace esperar; la cuenta regresiva está en la pantalla Desbloquear.
help-forgot-4 = Si de verdad lo perdiste: pide a tu administrador un nuevo código de inscripción y luego, en la pantalla Desbloquear, elige tu nombre y <strong>Inscribir de nuevo con un código nuevo</strong>. Eliges un PIN nuevo para una clave nueva; los registros que aún esperan con la clave anterior se envían como antes (salvo que la oficina haya reportado la clave como robada), y la oficina ve un solo historial. Una copia de seguridad (tiene su propia frase de contraseña) también recupera la clave anterior.
codes-title = Qué significa cada mensaje
filter-all = todos
filter-waiting = en espera
filter-sent = enviados
filter-refused = rechazados

## The app: enrolling, unlocking, the crew, backups (www/app.js)

add-worker-title = Agregar un trabajador a este dispositivo
enroll-again-title = Inscribir de nuevo: { $name }
replacing-note = Obtienes una clave nueva y eliges un PIN nuevo. Los registros que aún esperan con la clave anterior de { $name } se envían como antes, y la oficina ve un solo historial.
pending-note = Tu nombre ({ $name }) y tu PIN están guardados en este dispositivo: ahora solo falta un código de inscripción válido.
type-code = Escribe el código de inscripción: 12 letras y números, como ABCD-EFGH-JKMN.
type-pin = Escribe tu PIN.
type-name = Escribe tu nombre.
pin-short = Elige un PIN de al menos 6 dígitos.
pins-differ = Los dos PIN no coinciden. Escribe el mismo PIN dos veces.
storage-kept = Este navegador conservará tus firmas aunque quede poco espacio.
storage-not-kept = Este navegador puede borrar los datos guardados si queda poco espacio: envía a menudo.
camera-closed = No se pudo abrir la cámara ({ $why }). Permite el uso de la cámara para esta app, o escribe el código.
no-qr = No se vio ningún código QR de inscripción. Mantén el código quieto frente a la cámara, o escríbelo.
write-comment = Primero escribe qué salió mal.
no-failure = No hay ningún fallo registrado en este dispositivo, así que no hay nada a qué adjuntar tu comentario.
passphrase-short = Elige una frase de contraseña de al menos 8 caracteres.
passphrases-differ = Las dos frases de contraseña no coinciden. Escribe la misma frase dos veces.
pick-backup = Primero elige el archivo de copia de seguridad.
type-passphrase = Escribe la frase de contraseña de la copia.
imported = Importado: { $identities } identidades, { $records } registros ({ $skipped } ya estaban aquí) y { $files } documentos e imágenes aún sin enviar.
remove-unsent = { $count ->
        [one] { $name } tiene 1 registro aún sin enviar. Conéctate y envíalo primero (Bandeja de salida, Enviar ahora), o elimínalo junto con { $name }: la oficina nunca lo recibió y se perderá.
       *[other] { $name } tiene { $count } registros aún sin enviar. Conéctate y envíalos primero (Bandeja de salida, Enviar ahora), o elimínalos junto con { $name }: la oficina nunca los recibió y se perderán.
    }
remove-all-sent = Todo lo que { $name } firmó aquí ya llegó a la oficina. Al eliminar se borran la clave y las copias de este dispositivo.
remove-confirm = { $count ->
        [0] Eliminar a { $name }
        [one] Eliminar a { $name } y 1 registro sin enviar
       *[other] Eliminar a { $name } y { $count } registros sin enviar
    }
next-try = Siguiente intento en { $wait }. Deja la app abierta: la espera solo corre mientras está abierta.

## The app: backups, the crew (www/app.js)

backup-holds = Contiene tu identidad (con la clave aún protegida por tu PIN), tus registros y los informes de fallos. Los archivos que la oficina ya recibió están a salvo allí y no se incluyen.
backup-holds-files = Contiene tu identidad (con la clave aún protegida por tu PIN), tus registros, los informes de fallos y los documentos e imágenes de firma aún no enviados a la oficina: { $files }. Los archivos que la oficina ya recibió están a salvo allí y no se incluyen.
backup-saving = Tu navegador está guardando la copia como «{ $name }» ({ $kb } KB) donde guarda las descargas, normalmente la carpeta Descargas. Cópiala fuera de este dispositivo, y guarda el archivo y su frase de contraseña por separado.
removed = Se eliminó a { $name } de este dispositivo.

## Problems (www/ui.js)

support-code = Código para soporte: { $code }

## The header (www/app.js)

online = En línea
offline = Sin conexión
language-label = Idioma

## The sign screen (www/signing.js)

state-sending = Guardado en este dispositivo. Enviando…
not-signed = No se firmó. { $why }
not-signed-parts = { $count ->
        [one] No se firmó: falta 1 parte del formulario (marcada arriba).
       *[other] No se firmó: faltan { $count } partes del formulario (marcadas arriba).
    }
nothing-to-sign = Todavía no hay nada que firmar: toma una foto, completa el formulario o firma en el panel.
form-changed = El formulario cambió después de que firmó el cliente: vuelve a pasarle el dispositivo para que firme lo que dice ahora.
location-needed = No se pudo obtener tu ubicación ({ $why }) y este formulario la necesita. Permite el uso de la ubicación para esta app e inténtalo de nuevo al aire libre.
location-failed = No se pudo obtener tu ubicación ({ $why }). Inténtalo de nuevo al aire libre, o desmarca «{ $label }» para firmar sin ella.
state-saved = Guardado en este dispositivo.
state-sent = Enviado ✓ — el servidor lo tiene; su comprobante se guarda en este dispositivo.
state-refused = Rechazado por el servidor. Ábrelo en la bandeja de salida para ver por qué; se queda en este dispositivo.
later-background = Se envía cuando vuelve la conexión, aunque cierres la app.
later-open = Se envía cuando vuelve la conexión con la app abierta, o la próxima vez que la abras.
state-offline = Guardado en este dispositivo. Ahora no hay conexión. { $later }
state-not-sent = Guardado en este dispositivo, aún sin enviar. { $later }
state-not-sent-because = Guardado en este dispositivo, aún sin enviar: { $why } { $later }
signed-by = Firmado por { $name }
pad-done = Listo
please-sign = Firma, por favor:
handback-pin = Escribe el PIN del trabajador, o mantén presionado el botón un segundo.

## Forms (www/forms.js)

receipt-title = Comprobante de entrega
receipt-recipient = Destinatario
receipt-reference = Referencia
receipt-notes = Notas
receipt-photo = Documento o foto
receipt-location = Agregar mi ubicación
receipt-signature = Firma del cliente
need-photo = Toma una foto o elige el documento: este formulario lo necesita.
need-signature = El cliente aún no firmó: pídele que firme en el panel.
need-tick = Marca esta casilla para seguir: { $label }.
need-choice = Elige una opción: { $label }.
need-answer = Completa: { $label }.

## Forms: answers that do not fit (www/forms.js)

choose-none = —
bad-number = { $min ->
        [none] { $max ->
            [none] { $label }: un número.
           *[other] { $label }: un número de { $max } como máximo.
        }
       *[other] { $max ->
            [none] { $label }: un número de { $min } como mínimo.
           *[other] { $label }: un número entre { $min } y { $max }.
        }
    }
bad-date = { $label }: una fecha que exista.
bad-text = { $label }: { $max } caracteres como máximo.
bad-answer = { $label }: esta respuesta no corresponde al formulario.

## The outbox and a record (www/outbox.js)

bundle-saving = Tu navegador está guardando «{ $name }» ({ $kb } KB) donde guarda las descargas. Contiene el registro firmado, su certificado y su comprobante, el documento y la firma: cualquiera puede verificarlo, sin conexión, en la página de verificación ({ $page }) o con «offsign verify-bundle».
row-sent = Enviado ✓
row-refused = Rechazado
row-offline = Esperando conexión
row-sending = Enviando…
row-waiting = En espera de envío
outbox-waiting = { $count ->
        [one] 1 registro en espera de envío.
       *[other] { $count } registros en espera de envío.
    }
outbox-nothing-waiting = Nada en espera: el servidor tiene todos los registros.
outbox-whose = Registros de { $name }.
outbox-background = Este navegador los envía en segundo plano cuando vuelve la conexión, aunque cierres la app.
outbox-while-open = Este navegador solo los envía con la app abierta: ábrela cuando tengas conexión.
outbox-refused = { $count ->
        [one] 1 registro rechazado por el servidor: ábrelo para ver por qué.
       *[other] { $count } registros rechazados por el servidor: ábrelos para ver por qué.
    }
row-for = Para { $name }
row-document = Documento
no-match = Ningún registro tiene una referencia que contenga «{ $query }».
list-empty = No hay registros en esta lista.
nothing-signed = Todavía no se firmó nada en este dispositivo.
older-not-shown = { $count } registros anteriores no se muestran: busca por referencia para encontrar uno.
last-sent = Último envío: { $when }
never = nunca
unknown = desconocido
send-offline = Sin conexión: los registros esperan en este dispositivo y se envían cuando vuelve la conexión.
sending-count = { $count ->
        [one] Enviando 1 registro…
       *[other] Enviando { $count } registros…
    }
checking = Consultando con el servidor…
sent-count = { $count ->
        [one] Se envió 1 registro.
       *[other] Se enviaron { $count } registros.
    }
duplicate-count = { $count ->
        [one] 1 registro que el servidor ya tenía.
       *[other] { $count } registros que el servidor ya tenía.
    }
refused-count = { $count ->
        [one] 1 registro rechazado: ábrelo para ver por qué.
       *[other] { $count } registros rechazados: ábrelos para ver por qué.
    }
renewed = Se renovó tu certificado.
forms-updated = Hay formularios nuevos de la oficina listos para firmar.
nothing-to-send = Nada que enviar: el servidor tiene todos los registros.
not-sent = No se envió: { $why }
yes = Sí
no = No
record-not-found = No se encontró el registro
record-not-here = No hay ningún registro con este id en este dispositivo.
signed-for = Firmado para { $name }
support-code-message = Código para soporte: { $code } ({ $message })
field-document = Documento
bytes = { $count } bytes
field-signed = Firmado
field-location = Ubicación
field-received = Recibido por el servidor
tech-id = Id del registro
tech-seq = Número en la cadena
tech-sha256 = SHA-256 del documento
tech-hash = Hash del registro
tech-certificate = Certificado
tech-receipt = Comprobante
tech-no-receipt = aún no hay
signed-photo = La foto firmada: { $name }
open-document = Abrir el documento ({ $name })

## Health and Help (www/health.js)

check-randomness = Números aleatorios seguros
check-storage_writable = Guardado en este dispositivo
check-storage_persistent = Se conserva con poco espacio
check-storage_headroom = Espacio libre
check-certificate = Certificado
check-revocation_list = Lista de certificados revocados
check-clock = Reloj
check-identity = Identidad
check-pending_records = Registros en espera
check-pending_evidence = Documentos en espera
check-rejected_records = Registros rechazados
check-clock_offset = Reloj frente al servidor
check-last_sync = Último envío
check-version = Versión de la app
check-background_sync = Envío con la app cerrada
check-offline_app = Se abre sin conexión
check-of = { $check } ({ $who })
background-sync-yes = sincronización en segundo plano disponible: los registros se envían aunque la app esté cerrada
background-sync-no = sincronización en segundo plano: no disponible en este navegador
background-sync-remedy = Los registros se envían mientras la app está abierta (al iniciar, cuando vuelve la conexión y cada 5 minutos). Abre la app cuando tengas señal.
offline-ready = lista: la app se abre sin red
offline-not-yet = todavía no
offline-remedy = Abre la app una vez más con conexión para que pueda funcionar sin conexión.
needs-attention = Requiere atención:
ready = Listo para firmar
ready-once-unlocked = Listo para firmar en cuanto desbloquees
more-below = Y { $count } más abajo.
status-ok = OK
status-warn = Aviso
status-fail = Problema
code = Código: { $code }

## Where the worker is (www/signing.js)

no-geolocation = este navegador no puede saber dónde está
no-position-15 = sin ubicación en 15 segundos
no-position = sin ubicación
location-denied = esta app no tiene permiso para usar tu ubicación
no-fix = el dispositivo no logra fijar su ubicación
no-position-10 = sin ubicación en 10 segundos

## Practice mode and the first run (www/index.html, www/practice.js)

practice-banner = Práctica: nada de lo que firmes aquí se envía a la oficina.
practice-leave = Salir de la práctica
practice-first = ¿Primera vez con offsign? <a>Practica primero</a>: firma documentos de ejemplo y conoce cada problema y su solución; no se envía nada.
first-run-title = Tu primera firma, en cuatro pasos
first-run-1 = Completa el formulario; las partes marcadas (obligatorio) no pueden faltar.
first-run-2 = Pasa el dispositivo al cliente, o deja que firme en el panel.
first-run-3 = Toca <strong>Firmar</strong>: el registro se guarda en este dispositivo al instante, con o sin señal.
first-run-4 = La <strong>Bandeja de salida</strong> muestra cuándo lo tiene la oficina. Un problema siempre dice qué hacer.
first-run-practice = Practicar primero
first-run-done = Entendido
practice-stage = Practicar un problema
stage-none = ninguno: firmar normalmente
stage-expired = un certificado vencido
stage-revoked = un certificado revocado
stage-clock = el reloj del dispositivo está mal
stage-storage = el almacenamiento del dispositivo está lleno
practice-enroll-title = Práctica: elige un nombre y un PIN
practice-enroll-note = No se necesita ningún código: esta identidad de práctica se queda en este dispositivo y nada de lo que firma se envía.
practice-authority = Oficina de práctica
practice-kept = Práctica: guardado en este dispositivo, nunca se envía.
practice-not-sent = Práctica: no se envía nada a la oficina. Sal de la práctica para enviar registros reales.

## Each worker's own Health and backup (www/health.js, www/app.js)

health-whose = Comprobaciones de la clave de { $name } y de este dispositivo.
backup-whose = Una copia de seguridad guarda a un solo trabajador: { $name }, el que está desbloqueado ahora. Cada trabajador del equipo guarda la suya.

## The error table (crate/src/error_table.rs): what each code means, and what to do

err-wrong_pin = El PIN o la frase de contraseña no abre esta clave.
    .remedy = Revisa tu PIN e inténtalo de nuevo. Después de varios intentos fallidos, debes esperar antes del siguiente.
err-pin_too_short = El PIN o la frase de contraseña es más corto que la longitud mínima.
    .remedy = Elige un PIN de al menos 6 dígitos, o una frase de contraseña más larga.
err-pin_locked_out = Demasiados PIN incorrectos; el siguiente intento debe esperar.
    .remedy = Demasiados PIN incorrectos. Espera a que termine la cuenta regresiva antes del siguiente intento. Nadie puede restablecer un PIN: si lo olvidaste, pide a tu oficina un nuevo código de inscripción y elige «Inscribir de nuevo» (los registros que esperan en este dispositivo se siguen enviando), o restaura una copia de seguridad.
err-wrong_passphrase = La frase de contraseña no abre esta copia de seguridad.
    .remedy = Revisa la frase de contraseña de la copia de seguridad (no es tu PIN) e inténtalo de nuevo.
err-identity_locked = La identidad está bloqueada y su clave se borró de la memoria.
    .remedy = Desbloquea con tu PIN y luego vuelve a firmar.
err-identity_not_found = No hay ninguna identidad con este id de clave guardada en este dispositivo.
    .remedy = Elige tu nombre de la lista, o vuelve a configurar este dispositivo.
err-unsent_records = El trabajador tiene en este dispositivo registros que el servidor no ha recibido; no se eliminó nada.
    .remedy = Envíalos primero («Bandeja de salida», «Enviar ahora», con conexión), o confirma que se borren junto con el trabajador.
err-report_not_found = No hay ningún informe de fallo con este id guardado en este dispositivo.
    .remedy = Vuelve a abrir la pantalla «Diagnóstico» y elige el problema de la lista.
err-record_not_found = Este dispositivo no guarda ningún registro con este id.
    .remedy = Abre la «Bandeja de salida» y elige el registro de la lista. Es posible que los registros que el servidor aceptó hace tiempo se hayan eliminado de este dispositivo: pídeselos a tu oficina.
err-evidence_not_found = Este dispositivo no guarda ese documento ni esa imagen de firma para el registro.
    .remedy = Se firmó en otro dispositivo, antes de que esta app guardara documentos, o se liberó después de que el servidor lo almacenara: pide a tu oficina el paquete de evidencias del registro.
err-evidence_refused = El servidor rechazó un documento o una imagen de firma: no coincide con su registro, o es más grande de lo que el servidor acepta.
    .remedy = El registro firmado está a salvo en el servidor; el archivo en sí se queda en este dispositivo. Usa «Enviar comentarios» en la pantalla «Diagnóstico» para que tu administrador pueda recogerlo.
err-not_enrolled = Esta identidad todavía no tiene certificado.
    .remedy = Conéctate a internet e inscríbete con el código de tu administrador.
err-self_check_failed = Una firma nueva falló su propia verificación dos veces; no se guardó nada.
    .remedy = Cierra la app por completo, vuelve a abrirla y firma de nuevo. Si vuelve a ocurrir, usa «Enviar comentarios» en la pantalla «Diagnóstico».
err-randomness_unavailable = La aleatoriedad segura (crypto.getRandomValues en un dispositivo, el sistema operativo en el servidor) no está disponible.
    .remedy = Actualiza tu navegador, o usa otro navegador u otro dispositivo.
err-cert_untrusted = El certificado no está firmado por la autoridad de confianza o no pertenece a esta clave.
    .remedy = Vuelve a inscribir este dispositivo con un código nuevo de tu administrador.
err-cert_not_yet_valid = El certificado todavía no es válido.
    .remedy = Comprueba que la fecha y la hora de tu dispositivo sean correctas, o espera hasta que el certificado sea válido.
err-cert_expired = El certificado venció.
    .remedy = Pide a tu oficina un nuevo código de inscripción y elige «Inscribir de nuevo» en la pantalla «Desbloquear»: obtienes una clave nueva en este dispositivo, y los registros que firmaste antes de que venciera el certificado se siguen enviando.
err-cert_revoked = El certificado fue revocado (reemplazado, o el trabajador se fue): los registros firmados antes siguen siendo válidos.
    .remedy = Ya no puedes firmar con esta clave. Los registros que firmaste antes de que se revocara se siguen enviando. Pide a tu oficina un nuevo código de inscripción y elige «Inscribir de nuevo» en la pantalla «Desbloquear».
err-key_compromised = La clave fue revocada por estar comprometida, o sin indicar motivo: se rechaza todo registro firmado con ella.
    .remedy = El servidor rechaza los registros firmados con esta clave, también los que aún esperan en este dispositivo. Pide a tu oficina un nuevo código de inscripción, elige «Inscribir de nuevo» y vuelve a firmar esos documentos con la clave nueva.
err-cert_expiring = El certificado vence pronto.
    .remedy = Conéctate a internet y abre la app para que se renueve tu certificado.
err-revocation_list_stale = La lista de revocación está desactualizada o falta.
    .remedy = Conéctate a internet y abre la app para actualizarla.
err-revocation_list_untrusted = La lista de revocación no está firmada por la autoridad de confianza.
    .remedy = Conéctate a internet y abre la app para obtener una lista nueva, o consulta a tu administrador.
err-clock_skew = El reloj del dispositivo marca una hora anterior a la de la última firma.
    .remedy = Configura correctamente la fecha y la hora de tu dispositivo (lo mejor es la hora automática) y luego vuelve a firmar.
err-bad_signature = La firma no es válida.
    .remedy = El registro fue modificado o firmado con otra clave. No confíes en él; consulta a tu administrador.
err-key_mismatch = El registro indica una clave distinta de aquella con la que se verificó.
    .remedy = Verifica el registro con la clave pública del trabajador que lo firmó.
err-chain_broken = El registro no sigue al registro anterior indicado (el hash o el número de secuencia no coinciden).
    .remedy = Falta un registro o se modificó uno. Conserva todos los registros y consulta a tu administrador.
err-unsupported_algorithm = El algoritmo del JWS no es Ed25519 (ni EdDSA, su nombre anterior).
    .remedy = Usa un registro firmado por offsign o por otro firmante JOSE con Ed25519.
err-malformed_jws = El JWS no es una serialización compacta bien formada.
    .remedy = Los datos están dañados o no son un registro firmado. Consulta a tu administrador.
err-malformed_jwk = El JWK no es una clave Ed25519 (OKP) bien formada.
    .remedy = Usa el archivo de clave exactamente como lo escribió offsign.
err-malformed_record = El contenido del registro no tiene el formato de registro de offsign.
    .remedy = Los datos están dañados o no son un registro de offsign. Consulta a tu administrador.
err-malformed_certificate = El certificado no tiene el formato de certificado de offsign.
    .remedy = Vuelve a inscribir este dispositivo con un código nuevo de tu administrador.
err-malformed_revocation_list = La lista de revocación no tiene el formato de offsign.
    .remedy = Conéctate a internet y abre la app para obtener una lista nueva.
err-malformed_sealed_key = La clave sellada está dañada o tiene un formato desconocido.
    .remedy = Restaura tu identidad desde una copia de seguridad, o vuelve a inscribir este dispositivo.
err-malformed_backup = El archivo de copia de seguridad está dañado, truncado o no es una copia de seguridad de offsign; no se importó nada.
    .remedy = Usa otra copia del archivo de copia de seguridad, o consulta a tu administrador.
err-storage_full = El almacenamiento del navegador para esta app está lleno; no se escribió nada.
    .remedy = Conéctate a internet para que se puedan borrar los registros ya enviados, libera espacio en el dispositivo, o consulta a tu administrador.
err-storage_unavailable = No se puede abrir el almacenamiento ni escribir en él: el IndexedDB del navegador, o la base de datos del servidor.
    .remedy = Cierra las demás pestañas de esta app y vuelve a abrirla. La navegación privada puede bloquear el almacenamiento; usa una ventana normal.
err-device_closed = Este Device se liberó (free()); su worker y todas las claves que tenía ya no existen. Abre uno nuevo con Device.open().
    .remedy = Cierra la app por completo y vuelve a abrirla.
err-device_unavailable = El worker del Device no pudo iniciarse ni responder: device_worker.js u offsign_device_bg.wasm no se sirven junto a offsign.js, una política de seguridad de contenido prohíbe el worker (worker-src) o WebAssembly (wasm-unsafe-eval), o el navegador lo detuvo.
    .remedy = Cierra la app por completo y vuelve a abrirla con conexión a internet. Si vuelve a ocurrir, avisa a tu administrador.
err-server_unreachable = No se pudo contactar con el servidor; no se perdió nada.
    .remedy = Tus firmas están a salvo en este dispositivo y se enviarán cuando vuelva la conexión.
err-server_refused = El servidor rechazó la solicitud.
    .remedy = Actualiza la app (recárgala con conexión a internet), o consulta a tu administrador.
err-enrollment_refused = El servidor rechazó el código de inscripción; no se emitió ningún certificado.
    .remedy = Pide a tu administrador un nuevo código de inscripción.
err-answer_untrusted = No se pudo verificar la respuesta del servidor con la clave de autoridad de este dispositivo; los registros que mencionaba no se marcaron como enviados.
    .remedy = Tus firmas están a salvo en este dispositivo y se volverán a enviar. Consulta a tu administrador: puede que la clave del servidor haya cambiado, o que algo en la red haya alterado sus respuestas.
err-record_rejected = El servidor rechazó un registro firmado.
    .remedy = Abre el registro en la «Bandeja de salida» para ver el motivo, y consulta a tu administrador. El registro se queda en este dispositivo.
err-malformed_input = Un argumento tiene el tipo, la longitud, la codificación o el tamaño incorrectos.
    .remedy = Es un problema de la app. Usa «Enviar comentarios» en la pantalla «Diagnóstico».
err-malformed_bundle = El archivo no es un paquete de evidencias de offsign, o está dañado o incompleto.
    .remedy = Vuelve a descargar el paquete desde la app o la consola, y ábrelo tal como llegó (no lo descomprimas ni lo vuelvas a comprimir).
err-form_unknown = El formulario, o esa versión de él, no está disponible aquí: en el dispositivo no se firmó nada; en el servidor se rechaza el registro.
    .remedy = Conéctate a internet y envía («Bandeja de salida», «Enviar ahora») para que el dispositivo reciba los formularios de la oficina, y luego vuelve a firmar; si el servidor rechazó un registro, consulta a tu administrador. El registro se queda en este dispositivo.
err-form_answers_invalid = Las respuestas no corresponden al formulario que indican: un campo obligatorio está vacío, o una respuesta es de un tipo incorrecto.
    .remedy = Completa las partes marcadas y luego firma. Si el servidor rechazó un registro por esto, recarga la app con conexión a internet para obtener los formularios más recientes, y avisa a tu administrador.
err-chain_fork = El servidor tiene otro registro de esta clave con este número de secuencia.
    .remedy = Dos registros ocupan el mismo lugar en tu cadena (una copia de seguridad restaurada, o una misma clave en dos dispositivos). Consulta a tu administrador; el registro se queda aquí.
err-id_conflict = El servidor tiene otro registro con este id.
    .remedy = Consulta a tu administrador; el registro se queda en este dispositivo.
err-cert_unknown = El servidor no emitió el certificado indicado.
    .remedy = Vuelve a inscribir este dispositivo con un código nuevo de tu administrador.
err-signed_in_future = La hora de firma del registro es posterior a la hora del servidor.
    .remedy = Configura correctamente la fecha y la hora de tu dispositivo (lo mejor es la hora automática) y avisa a tu administrador.
err-cert_not_yet_valid_at_signing = El registro se firmó antes de que su certificado fuera válido.
    .remedy = Configura correctamente la fecha y la hora de tu dispositivo (lo mejor es la hora automática) y avisa a tu administrador.
err-cert_expired_at_signing = El registro se firmó después de que venciera su certificado.
    .remedy = Conéctate a internet para renovar tu certificado, y avisa a tu administrador.
err-cert_revoked_at_signing = El registro se firmó después de que se revocara su certificado.
    .remedy = Se rechazan los registros firmados después de la revocación. Pide a tu oficina un nuevo código de inscripción, elige «Inscribir de nuevo» y vuelve a firmar el documento con la clave nueva.
err-malformed_form = Una definición de formulario no es una que offsign pueda presentar: su JSON, campos, nombres o límites son incorrectos.
    .remedy = El mensaje indica qué está mal. Corrige el archivo del formulario y vuelve a agregarlo; el formulario en uso sigue igual.
err-replaced_key_unknown = La clave que reemplaza esta inscripción no es una de las del trabajador del código.
    .remedy = Elige «Inscribir de nuevo» desde el nombre del propio trabajador en la pantalla «Desbloquear», o pide a tu administrador un código para ese trabajador.
err-malformed_report = El informe de fallo no tiene el formato de informe de offsign.
    .remedy = Actualiza la app (recárgala con conexión a internet).
err-weak_key = La clave es de orden pequeño o tiene un componente de torsión; no se certifica.
    .remedy = El servidor rechazó la clave de este dispositivo. Actualiza la app, o consulta a tu administrador.
err-proof_invalid = La prueba de inscripción no está firmada por la clave, o corresponde a otro código u otro desafío.
    .remedy = El servidor rechazó la clave de este dispositivo. Actualiza la app, o consulta a tu administrador.
err-challenge_stale = El desafío de inscripción es demasiado antiguo.
    .remedy = La inscripción tardó demasiado, o el reloj del servidor no está bien. Inténtalo de nuevo.
err-enrollment_code_unknown = No existe ese código de inscripción.
    .remedy = Este código no se reconoce. Revísalo letra por letra, o pide uno nuevo a tu administrador.
err-enrollment_code_used = El código de inscripción ya se usó.
    .remedy = Este código ya se usó. Pide uno nuevo a tu administrador.
err-enrollment_code_expired = El código de inscripción venció.
    .remedy = Este código venció. Pide uno nuevo a tu administrador.
err-request_stale = La solicitud se hizo hace demasiado tiempo, o el reloj del dispositivo no está bien.
    .remedy = Configura correctamente la fecha y la hora de tu dispositivo (lo mejor es la hora automática) y luego vuelve a conectarte.
err-malformed_request = El servidor no pudo leer la solicitud: su JSON, sus miembros o sus tamaños.
    .remedy = Actualiza la app (recárgala con conexión a internet), o consulta a tu administrador.
err-unsupported_media_type = El cuerpo de la solicitud no es application/json.
    .remedy = Actualiza la app (recárgala con conexión a internet), o consulta a tu administrador.
err-rate_limited = Demasiadas solicitudes desde esta dirección, o demasiados informes de esta clave hoy.
    .remedy = No se perdió nada; la app vuelve a intentarlo más tarde por sí sola.
err-unauthorized = La solicitud necesita el token de portador (bearer) del servidor.
    .remedy = Dale a la herramienta de monitoreo el token con el que se inició el servidor (--metrics-token).
err-login_required = La consola necesita una sesión: inicia sesión primero (o la sesión terminó).
    .remedy = Vuelve a iniciar sesión en la consola.
err-login_refused = Nombre o contraseña incorrectos.
    .remedy = Revisa el nombre y la contraseña. Después de varias contraseñas incorrectas, la cuenta se bloquea por un tiempo; un administrador puede enviar un nuevo enlace de configuración.
err-login_locked = Demasiadas contraseñas incorrectas: la cuenta está bloqueada durante 15 minutos.
    .remedy = Espera 15 minutos e inténtalo de nuevo, o pide a un administrador un nuevo enlace de configuración (offsign-server admin add).
err-csrf_refused = El cambio no incluía el token de formulario de esta sesión; no se cambió nada.
    .remedy = Recarga la página de la consola y vuelve a hacer el cambio.
err-role_refused = Una cuenta de auditor ve todo y no cambia nada.
    .remedy = Pide a un administrador que haga el cambio.
err-revocation_list_unavailable = El servidor no puede firmar una lista de revocación en este momento.
    .remedy = No se perdió nada. Pide a tu administrador que revise las revocaciones del servidor.
err-malformed_evidence = No se pudo abrir una evidencia sellada (un documento o una imagen de firma): está dañada, incompleta, o corresponde a otra clave u otro registro.
    .remedy = No se guardó nada de ella. La app la vuelve a enviar desde el principio; si sigue pasando, usa «Enviar comentarios» en la pantalla «Diagnóstico».
err-digest_mismatch = Los bytes de un documento o de una imagen de firma no coinciden con el resumen (digest) firmado en su registro.
    .remedy = La copia se modificó o se confundió con otra después de firmar; no se guardó. Usa la copia guardada con el registro en el dispositivo donde se firmó, y consulta a tu administrador.
err-record_unknown = El servidor no tiene ningún registro con este id, así que no acepta evidencias para él.
    .remedy = No se perdió nada: la app envía primero el registro y luego sus evidencias.
err-evidence_too_large = La evidencia es más grande de lo que declara su registro, o de lo que acepta este servidor.
    .remedy = El registro en sí está a salvo en el servidor; el archivo se queda en este dispositivo. Pide a tu administrador que aumente el límite de evidencias del servidor.
err-upload_offset_mismatch = Un fragmento de la subida no empieza donde termina la copia de la subida que tiene el servidor.
    .remedy = No se perdió nada: la app pregunta al servidor desde dónde seguir y continúa desde ahí.
err-internal_error = El servidor falló al responder.
    .remedy = No se perdió nada; la app vuelve a intentarlo más tarde. Avisa a tu administrador si sigue pasando.
err-form_incomplete = Falta una parte que el formulario exige; no se firmó nada.
    .remedy = Completa las partes marcadas y luego firma.
err-location_unavailable = Se pidió la ubicación del dispositivo y no se pudo obtener; no se firmó nada.
    .remedy = Permite el acceso a la ubicación para esta app e inténtalo de nuevo al aire libre, o firma sin tu ubicación si el formulario lo permite.
err-camera_unavailable = No se pudo abrir la cámara, o no vio ningún código QR de inscripción a tiempo.
    .remedy = Permite el acceso a la cámara para esta app y mantén el código quieto frente a ella, o escribe el código.

## The device's sentences with specifics (dev-KEY): remedies that name a date or a count, and what each Health check found

dev-wrong-pin-tries-left = Revisa tu PIN e inténtalo de nuevo. { $tries ->
        [one] Te queda { $tries } intento
       *[other] Te quedan { $tries } intentos
    } antes de tener que esperar.
dev-pin-wait-minutes = Demasiados PIN incorrectos. Espera { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    } antes del siguiente intento (deja la app abierta: la espera solo corre mientras está abierta). Nadie puede restablecer un PIN: si lo olvidaste, pide a tu oficina un nuevo código de inscripción y elige «Inscribir de nuevo» (los registros que esperan en este dispositivo se siguen enviando), o restaura una copia de seguridad.
dev-cert-valid-from = Tu certificado es válido desde el { $date }. Comprueba que la fecha y la hora de tu dispositivo sean correctas.
dev-cert-expired-on = Tu certificado venció el { $date }. Pide a tu oficina un nuevo código de inscripción y elige «Inscribir de nuevo»: los registros que firmaste antes se siguen enviando.
dev-cert-expires-on = Tu certificado vence el { $date }. Conéctate a internet y abre la app para que se renueve.
dev-enrollment-refused = { $reason ->
        [enrollment_code_used] { err-enrollment_code_used.remedy }
        [enrollment_code_expired] { err-enrollment_code_expired.remedy }
        [challenge_stale] { err-challenge_stale.remedy }
        [proof_invalid] { err-proof_invalid.remedy }
        [weak_key] { err-weak_key.remedy }
        [replaced_key_unknown] { err-replaced_key_unknown.remedy }
       *[other] { err-enrollment_code_unknown.remedy }
    }
dev-enroll-needs-connection = La inscripción necesita conexión. Conéctate a internet e inténtalo de nuevo.
dev-not-an-offsign-server = Ningún servidor de offsign responde en la dirección de servidor que usa esta app. Revisa la dirección (el ajuste de servidor de la app), o consulta a tu administrador.
dev-unlock-then-enroll = Desbloquea con tu PIN y luego vuelve a inscribirte.
dev-unlock-then-backup = Desbloquea con tu PIN y luego haz la copia de seguridad.
dev-unlock-then-bundle = Desbloquea con tu PIN y luego vuelve a guardar el paquete de evidencias.
dev-backup-not-these-records = Esta copia de seguridad no corresponde a los registros de este dispositivo. No se importó nada; consulta a tu administrador.
dev-sign-again = No se firmó nada. Vuelve a firmar el documento.
dev-newer-version-open = Hay una versión más reciente de esta app abierta en otra pestaña o ventana. Recarga esta página para usarla.
dev-file-changed = Vuelve a elegir el archivo y fírmalo cuando esté guardado por completo.

# What a Health check found (shown after the check's name: "Certificado (Ana): quedan 120 días"),
# and the Health page's own remedies
dev-randomness-available = disponible
dev-storage-writable = se puede escribir
dev-failed-with = falló ({ $code })
dev-persistence-granted = concedido
dev-persistence-not-granted = no concedido: el navegador puede borrar los datos de esta app si queda poco espacio
dev-install-the-app = Instala la app (Agregar a la pantalla de inicio) y ábrela desde ahí; luego vuelve a comprobar.
dev-persistence-unsupported = este navegador no puede garantizar que conserve los datos
dev-sync-often = Envía a menudo para que los registros firmados lleguen pronto al servidor.
dev-storage-used = { $used } MiB de { $quota } MiB en uso
dev-storage-use-unknown = desconocido en este navegador
dev-no-identity = ninguna identidad en este dispositivo
dev-set-up-this-device = Configura este dispositivo con el código de tu administrador.
dev-not-enrolled = sin inscribir
dev-days-left = { $days ->
        [one] queda { $days } día
       *[other] quedan { $days } días
    }
dev-up-to-date = al día
dev-list-stale = necesita actualizarse: falta la lista de certificados revocados o está desactualizada
dev-clock-before-last-signature = la hora del dispositivo ({ $now }) es anterior a la de su última firma ({ $last })
dev-time-now = { $now }
dev-none = ninguno
dev-refused-by-server = { $count ->
        [one] { $count } rechazado por el servidor
       *[other] { $count } rechazados por el servidor
    }
dev-open-the-outbox = Abre la «Bandeja de salida» para ver por qué se rechazó cada uno, y consulta a tu administrador.
dev-last-sync-at = { $at }
dev-never-nothing-to-send = nunca (nada que enviar)
dev-never = nunca
dev-connect-to-send = Conéctate a internet para que se envíen los registros firmados.
dev-version = { $version }
dev-offset-not-measured = aún sin medir (se mide en cada sincronización)
dev-offset-within = a menos de { $seconds } s del servidor
dev-clock-behind = el reloj del dispositivo está { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    } atrasado respecto al del servidor; las firmas usan la hora del servidor
dev-clock-ahead = el reloj del dispositivo está { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    } adelantado respecto al del servidor; las firmas usan la hora del servidor
dev-automatic-time = Configura el dispositivo con fecha y hora automáticas.
dev-none-waiting = ninguno en espera
dev-evidence-waiting = { $count ->
        [one] 1 documento o imagen
       *[other] { $count } documentos e imágenes
    } ({ $size } MiB) en espera de envío
dev-records-waiting = { $count } en espera, el más antiguo desde hace { $hours } h
