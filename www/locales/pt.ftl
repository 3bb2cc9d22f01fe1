# A interface do offsign em português (neutro entre Portugal e Brasil, forma "você").

## The page (www/index.html: data-i18n)

update = Atualização disponível —
reload = recarregar
tabs-aria-label = Páginas
tabs-2 = Assinar
tabs-3 = Caixa de saída
tabs-4 = Diagnóstico
tabs-5 = Cópia de segurança
tabs-6 = Ajuda
loading = Carregando…
enroll-title = Configurar este aparelho
enroll-1 = Escreva o código de inscrição do seu administrador. Você só precisa de internet neste passo.
enroll-form-1 = Código de inscrição
scan = Ler o código QR
camera-aria-label = Câmera, à procura do código QR de inscrição
new-identity-1 = O seu nome
new-identity-2 = Escolha um PIN (pelo menos 6 dígitos)
new-identity-3 = Repita o PIN
pending-pin-1 = O seu PIN
enroll-form-2 = Inscrever
enroll-2 = Telefone novo ou navegador apagado? <a>Restaurar de uma cópia de segurança</a>
unlock-title = Desbloquear
unlock-form-1 = Quem assina
unlock-form-2 = PIN
unlock-form-3 = Desbloquear
unlock-1 = <a>Esqueceu o PIN?</a> · <a>Inscrever de novo com um código novo</a> (PIN esquecido, chave expirada ou substituída)
unlock-2 = Aparelho usado por várias pessoas? <a>Adicionar trabalhador</a>: cada um tem a sua chave, PIN e caixa de saída, e só um fica desbloqueado de cada vez.
remove-worker-1 = Remover um trabalhador deste aparelho
remove-worker-2 = O trabalhador escolhido acima perde a chave dele neste aparelho e deixa de poder assinar aqui. O que foi enviado fica seguro no escritório.
remove-ask = Remover o trabalhador escolhido…
remove-keep = Manter
sign-title = Assinar um documento
signing-as = Assina como
switch-worker = Trocar de trabalhador
form-choice-box = Formulário
required = (obrigatório)
pad-aria-label = Área de assinatura: desenhe com o dedo, uma caneta ou o mouse
pad-undo = Desfazer
pad-clear = Limpar
pad-full = Ampliar
handoff = Entregar ao cliente
preview-1 = Ver o que será assinado
sign-button = Assinar
handback-hold = Devolver ao trabalhador (segure 1 s)
handback-form-1 = PIN do trabalhador
handback-form-2 = Retomar o aparelho
signed-title = Assinado
signed-1 = O quê
signed-2 = Hora
signed-3 = Registro
sign-another = Assinar outro
signed-open = Abrir na caixa de saída
outbox-title = Caixa de saída
outbox-1 = Pesquisar por referência
outbox-2 = Mostrar
sync-now = Enviar agora
record-title = Registro
record-1 = <a>← Voltar à caixa de saída</a>
record-pad-1-alt = A assinatura manuscrita do cliente
record-pad-2 = Assinatura manuscrita (o resumo dela está no registro assinado)
bundle-button = Guardar o pacote de provas (.zip)
record-technical-1 = Para o suporte: o registro assinado e o recibo dele
health-title = Diagnóstico
health-details-1 = Detalhes: todas as verificações
feedback-form-1 = Algum problema? Conte-nos
feedback-form-2 = Enviar comentários
feedback-done = Obrigado — será enviado na próxima sincronização.
backup-title = Cópia de segurança
export-form-1 = Guardar uma cópia de segurança
export-form-2 = Frase secreta do arquivo de cópia de segurança (pelo menos 8 caracteres)
export-form-3 = Repita a frase secreta
export-form-4 = Exportar para arquivo
import-form-1 = Restaurar de uma cópia de segurança
import-form-2 = Arquivo da cópia de segurança
import-form-3 = A frase secreta dele
import-form-4 = Importar
help-title = Ajuda
help-first-day-1 = O seu primeiro dia
help-first-day-2 = Peça ao seu administrador um código de inscrição (um link, um código QR ou 12 letras).
help-first-day-3 = Abra o offsign quando tiver sinal e escreva o código, o seu nome e um PIN que não vai esquecer. Mais ninguém pode redefini-lo.
help-first-day-4 = Crie um atalho do offsign no início do aparelho: assim ele abre sem sinal.
help-first-day-5 = Em <strong>Cópia de segurança</strong>, guarde uma cópia e mantenha o arquivo e a frase secreta dele em lugares separados.
help-no-signal-1 = Assinar sem sinal
help-no-signal-2 = Assine como sempre: cada registro fica guardado neste aparelho no momento em que você assina.
help-no-signal-3 = Na caixa de saída, ele aparece como <em>à espera</em>. É enviado automaticamente quando o sinal voltar; <strong>Enviar agora</strong> tenta de imediato.
help-no-signal-4 = Onde o navegador permite (o Diagnóstico diz "envio em segundo plano disponível"), ele é enviado mesmo se você fechar o offsign; nos outros casos, abra o offsign quando tiver sinal.
help-refused-1 = Um registro que o servidor recusou
help-refused-2 = Abra-o na <strong>Caixa de saída</strong>: ele diz o motivo e o que fazer.
help-refused-3 = Ele fica neste aparelho; não o assine de novo até o seu administrador verificar.
help-new-phone-1 = Um telefone novo
help-new-phone-2 = No telefone antigo, envie tudo (Caixa de saída: nada à espera) e depois guarde uma cópia de segurança.
help-new-phone-3 = No telefone novo, abra o offsign e escolha <strong>Restaurar de uma cópia de segurança</strong>, com o arquivo e a frase secreta dele.
help-new-phone-4 = Sem cópia de segurança? Peça ao seu administrador um novo código de inscrição e configure de novo: os seus registros enviados estão seguros no servidor.
help-forgot-1 = Um PIN esquecido
help-forgot-2 = Ninguém pode ler nem redefinir o seu PIN, nem mesmo o seu administrador: ele sela a sua chave neste aparelho.
help-forgot-3 = Depois de várias tentativas erradas, o offsign obriga a esperar; a contagem aparece na página Desbloquear.
help-forgot-4 = Se o perdeu mesmo: peça ao seu administrador um novo código de inscrição e, na página Desbloquear, escolha o seu nome e <strong>Inscrever de novo com um código novo</strong>. Você escolhe um PIN novo para uma chave nova; os registros ainda à espera com a chave antiga são enviados como antes (a não ser que o escritório declare a chave como roubada), e o escritório vê um só histórico. Uma cópia de segurança (que tem a sua própria frase secreta) também recupera a chave antiga.
codes-title = O que significa cada mensagem
filter-all = todos
filter-waiting = à espera
filter-sent = enviados
filter-refused = recusados

## The app: enrolling, unlocking, the crew, backups (www/app.js)

add-worker-title = Adicionar um trabalhador a este aparelho
enroll-again-title = Inscrever de novo: { $name }
replacing-note = Você recebe uma chave nova e escolhe um PIN novo. Os registros ainda à espera com a chave antiga de { $name } são enviados como antes, e o escritório vê um só histórico.
pending-note = O seu nome ({ $name }) e o PIN estão guardados neste aparelho: agora só falta um código de inscrição válido.
type-code = Escreva o código de inscrição: 12 letras e dígitos, como ABCD-EFGH-JKMN.
type-pin = Escreva o seu PIN.
type-name = Escreva o seu nome.
pin-short = Escolha um PIN com pelo menos 6 dígitos.
pins-differ = Os dois PINs são diferentes. Escreva o mesmo PIN duas vezes.
storage-kept = Este navegador vai manter as suas assinaturas mesmo quando faltar espaço.
storage-not-kept = Este navegador pode apagar os dados guardados quando faltar espaço: sincronize com frequência.
camera-closed = Não foi possível abrir a câmera ({ $why }). Permita a câmera para o offsign, ou escreva o código.
no-qr = Não foi visto nenhum código QR de inscrição. Mantenha o código firme e visível, ou escreva-o.
write-comment = Primeiro descreva o problema.
no-failure = Este aparelho não guardou nenhuma falha, por isso não há nada a que juntar o seu comentário.
passphrase-short = Escolha uma frase secreta com pelo menos 8 caracteres.
passphrases-differ = As duas frases secretas são diferentes. Escreva a mesma frase secreta duas vezes.
pick-backup = Primeiro escolha o arquivo da cópia de segurança.
type-passphrase = Escreva a frase secreta da cópia de segurança.
imported = Importados: { $identities } identidades, { $records } registros ({ $skipped } já estavam aqui) e { $files } documentos e imagens ainda não enviados.
remove-unsent = { $count ->
        [one] { $name } tem { $count } registro ainda não enviado. Conecte-se e envie-o primeiro (Caixa de saída, Enviar agora), ou remova-o com { $name }: o escritório nunca o recebeu, e fica perdido.
       *[other] { $name } tem { $count } registros ainda não enviados. Conecte-se e envie-os primeiro (Caixa de saída, Enviar agora), ou remova-os com { $name }: o escritório nunca os recebeu, e ficam perdidos.
    }
remove-all-sent = Tudo o que { $name } assinou aqui chegou ao escritório. Remover apaga a chave e as cópias neste aparelho.
remove-confirm = { $count ->
        [0] Remover { $name }
        [one] Remover { $name } e 1 registro não enviado
       *[other] Remover { $name } e { $count } registros não enviados
    }
next-try = Próxima tentativa em { $wait }. Mantenha o offsign aberto: a espera só conta enquanto ele estiver aberto.

## The app: backups, the crew (www/app.js)

backup-holds = A cópia contém a sua identidade (com a chave ainda selada pelo seu PIN), os seus registros e relatórios de falha. Os arquivos que o escritório já recebeu estão seguros lá e não estão nela.
backup-holds-files = A cópia contém a sua identidade (com a chave ainda selada pelo seu PIN), os seus registros e relatórios de falha, e os documentos e imagens de assinatura ainda não enviados ao escritório: { $files }. Os arquivos que o escritório já recebeu estão seguros lá e não estão nela.
backup-saving = O seu navegador guarda a cópia como "{ $name }" ({ $kb } KB) onde guarda os downloads, normalmente a pasta Downloads. Copie-a para fora deste aparelho e mantenha o arquivo e a frase secreta dele em lugares separados.
removed = { $name } já não está neste aparelho.

## Problems (www/ui.js)

support-code = Código para o suporte: { $code }

## The header (www/app.js)

online = Com internet
offline = Sem internet
language-label = Idioma

## The sign screen (www/signing.js)

state-sending = Guardado neste aparelho. Enviando…
not-signed = Não assinado. { $why }
not-signed-parts = { $count ->
        [one] Não assinado: { $count } parte do formulário precisa de você (marcada acima).
       *[other] Não assinado: { $count } partes do formulário precisam de você (marcadas acima).
    }
nothing-to-sign = Ainda nada para assinar: tire uma foto, preencha o formulário ou assine na área de assinatura.
form-changed = O formulário mudou depois de o cliente assinar: entregue-lhe o aparelho de novo para assinar o que ele diz agora.
location-needed = Não foi possível obter a sua localização ({ $why }), e este formulário precisa dela. Permita a localização para o offsign e tente de novo ao ar livre.
location-failed = Não foi possível obter a sua localização ({ $why }). Tente de novo ao ar livre, ou desmarque "{ $label }" para assinar sem ela.
state-saved = Guardado neste aparelho.
state-sent = Enviado ✓ — o servidor já o tem; o recibo fica guardado neste aparelho.
state-refused = Recusado pelo servidor. Abra-o na caixa de saída para ver o motivo; ele fica neste aparelho.
later-background = É enviado quando a internet voltar, mesmo se você fechar o offsign.
later-open = É enviado quando a internet voltar com o offsign aberto, ou na próxima vez que você o abrir.
state-offline = Guardado neste aparelho. Sem internet agora. { $later }
state-not-sent = Guardado neste aparelho, ainda não enviado. { $later }
state-not-sent-because = Guardado neste aparelho, ainda não enviado: { $why } { $later }
signed-by = Assinado por { $name }
pad-done = Pronto
please-sign = Por favor, assine para confirmar:
handback-pin = Escreva o PIN do trabalhador, ou segure o botão durante um segundo.

## Forms (www/forms.js)

receipt-title = Recibo de entrega
receipt-recipient = Destinatário
receipt-reference = Referência
receipt-notes = Observações
receipt-photo = Documento ou foto
receipt-location = Adicionar a minha localização
receipt-signature = Assinatura do cliente
need-photo = Tire uma foto ou escolha o documento: este formulário precisa de um.
need-signature = O cliente ainda não assinou: peça-lhe que assine na área de assinatura.
need-tick = Marque isto para continuar: { $label }.
need-choice = Escolha uma opção: { $label }.
need-answer = Preencha: { $label }.

## Forms: answers that do not fit (www/forms.js)

choose-none = —
bad-number = { $min ->
        [none] { $max ->
            [none] { $label }: um número.
           *[other] { $label }: um número, no máximo { $max }.
        }
       *[other] { $max ->
            [none] { $label }: um número, no mínimo { $min }.
           *[other] { $label }: um número de { $min } a { $max }.
        }
    }
bad-date = { $label }: uma data válida.
bad-text = { $label }: no máximo { $max } caracteres.
bad-answer = { $label }: esta resposta não corresponde ao formulário.

## The outbox and a record (www/outbox.js)

bundle-saving = O seu navegador guarda "{ $name }" ({ $kb } KB) onde guarda os downloads. Contém o registro assinado, o certificado e o recibo dele, o documento e a assinatura: qualquer pessoa pode verificá-lo, sem internet, na página de verificação ({ $page }) ou com "offsign verify-bundle".
row-sent = Enviado ✓
row-refused = Recusado
row-offline = À espera de internet
row-sending = Enviando…
row-waiting = À espera de envio
outbox-waiting = { $count ->
        [one] { $count } registro à espera de envio.
       *[other] { $count } registros à espera de envio.
    }
outbox-nothing-waiting = Nada à espera: o servidor tem todos os registros.
outbox-whose = Registros de { $name }.
outbox-background = Este navegador faz o envio em segundo plano quando a internet voltar, mesmo se você fechar o offsign.
outbox-while-open = Este navegador só faz o envio com o offsign aberto: abra-o quando tiver internet.
outbox-refused = { $count ->
        [one] { $count } registro recusado pelo servidor: abra-o para ver o motivo.
       *[other] { $count } registros recusados pelo servidor: abra-os para ver o motivo.
    }
row-for = Para { $name }
row-document = Documento
no-match = Nenhum registro com uma referência que contenha "{ $query }".
list-empty = Nenhum registro nesta lista.
nothing-signed = Ainda nada assinado neste aparelho.
older-not-shown = { $count } registros mais antigos não mostrados: pesquise por referência para encontrar um.
last-sent = Último envio: { $when }
never = nunca
unknown = desconhecido
send-offline = Sem internet: os registros esperam neste aparelho e são enviados quando a internet voltar.
sending-count = { $count ->
        [one] Enviando { $count } registro…
       *[other] Enviando { $count } registros…
    }
checking = Verificando com o servidor…
sent-count = { $count ->
        [one] { $count } registro enviado.
       *[other] { $count } registros enviados.
    }
duplicate-count = { $count ->
        [one] { $count } registro que o servidor já tinha.
       *[other] { $count } registros que o servidor já tinha.
    }
refused-count = { $count ->
        [one] { $count } registro recusado: abra-o para ver o motivo.
       *[other] { $count } registros recusados: abra-os para ver o motivo.
    }
renewed = O seu certificado foi renovado.
forms-updated = Há formulários novos do escritório prontos para assinar.
nothing-to-send = Nada para enviar: o servidor tem todos os registros.
not-sent = Não enviado: { $why }
yes = Sim
no = Não
record-not-found = Registro não encontrado
record-not-here = Não há neste aparelho nenhum registro com este id.
signed-for = Assinado para { $name }
support-code-message = Código para o suporte: { $code } ({ $message })
field-document = Documento
bytes = { $count } bytes
field-signed = Assinado
field-location = Localização
field-received = Recebido pelo servidor
tech-id = Id do registro
tech-seq = Número na cadeia
tech-sha256 = SHA-256 do documento
tech-hash = Hash do registro
tech-certificate = Certificado
tech-receipt = Recibo
tech-no-receipt = ainda nenhum
signed-photo = A foto assinada: { $name }
open-document = Abrir o documento ({ $name })

## Health and Help (www/health.js)

check-randomness = Números aleatórios seguros
check-storage_writable = Guardar neste aparelho
check-storage_persistent = Mantido quando falta espaço
check-storage_headroom = Espaço livre
check-certificate = Certificado
check-revocation_list = Lista de certificados revogados
check-clock = Relógio
check-identity = Identidade
check-pending_records = Registros à espera
check-pending_evidence = Documentos à espera
check-rejected_records = Registros recusados
check-clock_offset = Relógio comparado com o servidor
check-last_sync = Último envio
check-version = Versão do offsign
check-background_sync = Envio com o offsign fechado
check-offline_app = Abre sem internet
check-of = { $check } ({ $who })
background-sync-yes = envio em segundo plano disponível: os registros são enviados mesmo com o offsign fechado
background-sync-no = envio em segundo plano: não disponível neste navegador
background-sync-remedy = Os registros são enviados com o offsign aberto (ao iniciar, quando a internet voltar, a cada 5 minutos). Abra o offsign quando tiver sinal.
offline-ready = pronto: o offsign abre sem rede
offline-not-yet = ainda não
offline-remedy = Abra o offsign mais uma vez com internet para que ele passe a funcionar sem internet.
needs-attention = Precisa de atenção:
ready = Pronto para assinar
ready-once-unlocked = Pronto para assinar depois de desbloquear
more-below = E mais { $count } abaixo.
status-ok = OK
status-warn = Aviso
status-fail = Problema
code = Código: { $code }

## Where the worker is (www/signing.js)

no-geolocation = este navegador não consegue saber onde está
no-position-15 = nenhuma posição em 15 segundos
no-position = sem posição
location-denied = o offsign não tem permissão para usar a sua localização
no-fix = o aparelho não consegue determinar a posição
no-position-10 = nenhuma posição em 10 segundos

## Practice mode and the first run (www/index.html, www/practice.js)

practice-banner = Treino: nada do que você assinar aqui é enviado ao escritório.
practice-leave = Sair do treino
practice-first = Primeira vez no offsign? <a>Treinar primeiro</a>: assine documentos de exemplo e conheça cada problema e a sua solução; nada é enviado.
first-run-title = A sua primeira assinatura, em quatro passos
first-run-1 = Preencha o formulário; as partes marcadas com (obrigatório) não podem ficar em branco.
first-run-2 = Entregue o aparelho ao cliente, ou deixe-o assinar na área de assinatura.
first-run-3 = Toque em <strong>Assinar</strong>: o registro fica guardado de imediato neste aparelho, com ou sem sinal.
first-run-4 = A <strong>Caixa de saída</strong> mostra quando o escritório já o tem. Um problema diz sempre o que fazer.
first-run-practice = Treinar primeiro
first-run-done = Entendi
practice-stage = Treinar um problema
stage-none = nenhum: assinar normalmente
stage-expired = um certificado expirado
stage-revoked = um certificado revogado
stage-clock = o relógio do aparelho está errado
stage-storage = o aparelho está sem espaço
practice-enroll-title = Treino: escolha um nome e um PIN
practice-enroll-note = Não é preciso código: esta identidade de treino fica neste aparelho e nada do que ela assinar é enviado.
practice-authority = Escritório de treino
practice-kept = Treino: guardado neste aparelho, nunca enviado.
practice-not-sent = Treino: nada é enviado ao escritório. Saia do treino para enviar registros reais.

## Each worker's own Health and backup (www/health.js, www/app.js)

health-whose = Verificações da chave de { $name } e deste aparelho.
backup-whose = Uma cópia de segurança guarda um só trabalhador: { $name }, o que está desbloqueado agora. Cada trabalhador da equipe guarda a sua.

## The error table (crate/src/error_table.rs): what each code means, and what to do

err-wrong_pin = O PIN ou a frase secreta não abre esta chave.
    .remedy = Verifique o seu PIN e tente novamente. Depois de várias tentativas erradas, você tem de esperar antes da próxima.
err-pin_too_short = O PIN ou a frase secreta é mais curto do que o comprimento mínimo.
    .remedy = Escolha um PIN com pelo menos 6 dígitos, ou uma frase secreta mais longa.
err-pin_locked_out = Demasiadas tentativas com PIN errado; a próxima tentativa tem de esperar.
    .remedy = Demasiadas tentativas com PIN errado. Espere que a contagem termine antes da próxima tentativa. Ninguém pode redefinir um PIN: se você o esqueceu, peça ao seu escritório um novo código de inscrição e escolha Inscrever de novo (os registros pendentes neste aparelho ainda são enviados), ou restaure uma cópia de segurança.
err-wrong_passphrase = A frase secreta não abre esta cópia de segurança.
    .remedy = Verifique a frase secreta da cópia de segurança (não é o seu PIN) e tente novamente.
err-identity_locked = A identidade está bloqueada e a chave dela foi apagada da memória.
    .remedy = Desbloqueie com o seu PIN e depois assine novamente.
err-identity_not_found = Não há neste aparelho nenhuma identidade com este id de chave.
    .remedy = Escolha o seu nome na lista, ou configure este aparelho de novo.
err-unsent_records = O trabalhador tem neste aparelho registros que o servidor não recebeu; nada foi removido.
    .remedy = Envie-os primeiro (Caixa de saída, Enviar agora, com internet), ou confirme que eles são apagados juntamente com o trabalhador.
err-report_not_found = Não há neste aparelho nenhum relatório de falha com este id.
    .remedy = Abra de novo a página Diagnóstico e escolha o problema na lista.
err-record_not_found = Este aparelho não guarda nenhum registro com este id.
    .remedy = Abra a Caixa de saída e escolha o registro na lista. Os registros que o servidor aceitou há muito tempo podem ter sido removidos deste aparelho: peça-os ao seu escritório.
err-evidence_not_found = Este aparelho não guarda esse documento ou imagem de assinatura deste registro.
    .remedy = Foi assinado em outro aparelho, antes de o offsign passar a guardar documentos, ou foi liberado deste aparelho depois de o servidor o guardar: peça ao seu escritório o pacote de provas do registro.
err-evidence_refused = O servidor recusou um documento ou imagem de assinatura: não corresponde ao seu registro, ou é maior do que o servidor aceita.
    .remedy = O registro assinado está seguro no servidor; o arquivo em si fica neste aparelho. Use Enviar comentários na página Diagnóstico para que o seu administrador possa obtê-lo.
err-not_enrolled = Esta identidade ainda não tem certificado.
    .remedy = Conecte-se à internet e inscreva-se com o código do seu administrador.
err-self_check_failed = Uma nova assinatura não passou duas vezes na sua própria verificação; nada foi guardado.
    .remedy = Feche o offsign por completo, abra-o de novo e assine novamente. Se voltar a acontecer, use Enviar comentários na página Diagnóstico.
err-randomness_unavailable = Não há aleatoriedade segura disponível (crypto.getRandomValues no aparelho; no servidor, o sistema).
    .remedy = Atualize o seu navegador, ou use outro navegador ou aparelho.
err-cert_untrusted = O certificado não foi assinado pela autoridade de confiança ou não pertence a esta chave.
    .remedy = Inscreva este aparelho de novo com um novo código do seu administrador.
err-cert_not_yet_valid = O certificado ainda não é válido.
    .remedy = Verifique se a data e a hora do seu aparelho estão certas, ou espere até que o certificado passe a ser válido.
err-cert_expired = O certificado expirou.
    .remedy = Peça ao seu escritório um novo código de inscrição e escolha Inscrever de novo na página Desbloquear: você recebe uma chave nova neste aparelho, e os registros que assinou antes de o certificado expirar ainda são enviados.
err-cert_revoked = O certificado foi revogado (substituído, ou o trabalhador saiu): os registros assinados antes continuam válidos.
    .remedy = Você já não pode assinar com esta chave. Os registros que assinou antes da revogação ainda são enviados. Peça ao seu escritório um novo código de inscrição e escolha Inscrever de novo na página Desbloquear.
err-key_compromised = A chave foi revogada por estar comprometida, ou sem motivo indicado: todos os registros assinados com ela são recusados.
    .remedy = O servidor recusa os registros assinados com esta chave, incluindo os que ainda estão pendentes neste aparelho. Peça ao seu escritório um novo código de inscrição, escolha Inscrever de novo e assine esses documentos novamente com a nova chave.
err-cert_expiring = O certificado expira em breve.
    .remedy = Conecte-se à internet e abra o offsign para que o seu certificado seja renovado.
err-revocation_list_stale = A lista de revogação está desatualizada ou não existe.
    .remedy = Conecte-se à internet e abra o offsign para atualizá-la.
err-revocation_list_untrusted = A lista de revogação não foi assinada pela autoridade de confiança.
    .remedy = Conecte-se à internet e abra o offsign para obter uma lista nova, ou fale com o seu administrador.
err-clock_skew = O relógio do aparelho indica uma hora anterior à da última assinatura.
    .remedy = Acerte a data e a hora do seu aparelho (o melhor é a hora automática) e depois assine novamente.
err-bad_signature = A assinatura não é válida.
    .remedy = O registro foi alterado ou assinado com outra chave. Não confie nele; fale com o seu administrador.
err-key_mismatch = O registro indica uma chave diferente daquela com que foi verificado.
    .remedy = Verifique o registro com a chave pública do trabalhador que o assinou.
err-chain_broken = O registro não segue o registro anterior indicado (o hash ou o número de sequência são diferentes).
    .remedy = Falta um registro ou um registro foi alterado. Guarde todos os registros e fale com o seu administrador.
err-unsupported_algorithm = O algoritmo JWS não é Ed25519 (nem EdDSA, o nome mais antigo dele).
    .remedy = Use um registro assinado pelo offsign ou por outro assinador JOSE Ed25519.
err-malformed_jws = O JWS não é uma serialização compacta bem formada.
    .remedy = Os dados estão danificados ou não são um registro assinado. Fale com o seu administrador.
err-malformed_jwk = O JWK não é uma chave Ed25519 (OKP) bem formada.
    .remedy = Use o arquivo da chave exatamente como o offsign o gravou.
err-malformed_record = O conteúdo (payload) do registro não tem o formato de registro do offsign.
    .remedy = Os dados estão danificados ou não são um registro do offsign. Fale com o seu administrador.
err-malformed_certificate = O certificado não tem o formato de certificado do offsign.
    .remedy = Inscreva este aparelho de novo com um novo código do seu administrador.
err-malformed_revocation_list = A lista de revogação não tem o formato do offsign.
    .remedy = Conecte-se à internet e abra o offsign para obter uma lista nova.
err-malformed_sealed_key = A chave selada está danificada ou tem um formato desconhecido.
    .remedy = Restaure a sua identidade a partir de uma cópia de segurança, ou inscreva este aparelho de novo.
err-malformed_backup = O arquivo da cópia de segurança está danificado, truncado ou não é uma cópia de segurança do offsign; nada foi importado.
    .remedy = Use outro exemplar do arquivo da cópia de segurança, ou fale com o seu administrador.
err-storage_full = O armazenamento do navegador para o offsign está cheio; nada foi gravado.
    .remedy = Conecte-se à internet para que os registros já enviados possam ser removidos, libere espaço no aparelho, ou fale com o seu administrador.
err-storage_unavailable = Não é possível abrir nem gravar o armazenamento: o IndexedDB do navegador, ou o banco de dados do servidor.
    .remedy = Feche as outras abas do offsign e abra-o de novo. A navegação privada pode bloquear o armazenamento; use uma janela normal.
err-device_closed = Este Device foi liberado (free()); o worker dele e todas as chaves que guardava deixaram de existir. Abra um novo com Device.open().
    .remedy = Feche o offsign por completo e abra-o de novo.
err-device_unavailable = O worker do Device não conseguiu iniciar ou responder: device_worker.js ou offsign_device_bg.wasm não é servido ao lado de offsign.js, uma política de segurança de conteúdo proíbe o worker (worker-src) ou o WebAssembly (wasm-unsafe-eval), ou o worker foi parado pelo navegador.
    .remedy = Feche o offsign por completo e abra-o de novo com internet. Se voltar a acontecer, avise o seu administrador.
err-server_unreachable = Não foi possível chegar ao servidor; nada foi perdido.
    .remedy = As suas assinaturas estão seguras neste aparelho e serão enviadas quando a internet voltar.
err-server_refused = O servidor recusou o pedido.
    .remedy = Atualize o offsign (recarregue-o com internet), ou fale com o seu administrador.
err-enrollment_refused = O servidor recusou o código de inscrição; nenhum certificado foi emitido.
    .remedy = Peça ao seu administrador um novo código de inscrição.
err-answer_untrusted = Não foi possível verificar a resposta do servidor com a chave de autoridade deste aparelho; os registros indicados nela não foram marcados como enviados.
    .remedy = As suas assinaturas estão seguras neste aparelho e serão enviadas de novo. Fale com o seu administrador: a chave do servidor pode ter mudado, ou algo na rede alterou as respostas dele.
err-record_rejected = O servidor recusou um registro assinado.
    .remedy = Abra o registro na Caixa de saída para ver o motivo, e fale com o seu administrador. O registro fica neste aparelho.
err-malformed_input = Um argumento tem o tipo, o comprimento, a codificação ou o tamanho errado.
    .remedy = Isto é um problema do offsign. Use Enviar comentários na página Diagnóstico.
err-malformed_bundle = O arquivo não é um pacote de provas do offsign, ou está danificado ou incompleto.
    .remedy = Faça o download do pacote de novo a partir do offsign ou do console, e abra-o tal como veio (não extraia o conteúdo nem o volte a compactar).
err-form_unknown = O formulário, ou essa versão dele, não existe aqui: no aparelho, nada foi assinado; no servidor, o registro é recusado.
    .remedy = Conecte-se à internet e envie (Caixa de saída, Enviar agora) para que o aparelho receba os formulários do escritório, e depois assine novamente; se o servidor recusou um registro, fale com o seu administrador. O registro fica neste aparelho.
err-form_answers_invalid = As respostas não correspondem ao formulário que indicam: um campo obrigatório está vazio, ou uma resposta é do tipo errado.
    .remedy = Preencha as partes marcadas e depois assine. Se o servidor recusou um registro por este motivo, recarregue o offsign com internet para obter os formulários mais recentes, e avise o seu administrador.
err-chain_fork = O servidor tem outro registro desta chave com este número de sequência.
    .remedy = Dois registros disputam o mesmo lugar na sua cadeia (uma cópia de segurança restaurada, ou uma chave em dois aparelhos). Fale com o seu administrador; o registro fica aqui.
err-id_conflict = O servidor tem outro registro com este id.
    .remedy = Fale com o seu administrador; o registro fica neste aparelho.
err-cert_unknown = O servidor não emitiu o certificado indicado.
    .remedy = Inscreva este aparelho de novo com um novo código do seu administrador.
err-signed_in_future = A hora de assinatura do registro é posterior à hora do servidor.
    .remedy = Acerte a data e a hora do seu aparelho (o melhor é a automática) e avise o seu administrador.
err-cert_not_yet_valid_at_signing = O registro foi assinado antes de o certificado dele passar a ser válido.
    .remedy = Acerte a data e a hora do seu aparelho (o melhor é a automática) e avise o seu administrador.
err-cert_expired_at_signing = O registro foi assinado depois de o certificado dele ter expirado.
    .remedy = Conecte-se à internet para renovar o seu certificado, e avise o seu administrador.
err-cert_revoked_at_signing = O registro foi assinado depois de o certificado dele ter sido revogado.
    .remedy = Os registros assinados depois da revogação são recusados. Peça ao seu escritório um novo código de inscrição, escolha Inscrever de novo e assine o documento novamente com a nova chave.
err-malformed_form = Uma definição de formulário não é uma que o offsign consiga apresentar: o JSON, os campos, os nomes ou os limites estão errados.
    .remedy = A mensagem diz o que está errado. Corrija o arquivo do formulário e adicione-o de novo; o formulário em uso continua como estava.
err-replaced_key_unknown = A chave que esta inscrição substitui não pertence ao trabalhador do código.
    .remedy = Escolha Inscrever de novo no nome do próprio trabalhador, na página Desbloquear, ou peça ao seu administrador um código para esse trabalhador.
err-malformed_report = O relatório de falha não tem o formato de relatório do offsign.
    .remedy = Atualize o offsign (recarregue-o com internet).
err-weak_key = A chave é de ordem pequena ou tem componente de torção; não é certificada.
    .remedy = O servidor recusou a chave deste aparelho. Atualize o offsign, ou fale com o seu administrador.
err-proof_invalid = A prova de inscrição não foi assinada pela chave, ou é de outro código ou desafio.
    .remedy = O servidor recusou a chave deste aparelho. Atualize o offsign, ou fale com o seu administrador.
err-challenge_stale = O desafio de inscrição é demasiado antigo.
    .remedy = A inscrição demorou demasiado tempo, ou o relógio do servidor está errado. Tente novamente.
err-enrollment_code_unknown = Este código de inscrição não existe.
    .remedy = Este código não é conhecido. Verifique cada letra, ou peça ao seu administrador um novo.
err-enrollment_code_used = O código de inscrição já foi usado.
    .remedy = Este código já foi usado. Peça ao seu administrador um novo.
err-enrollment_code_expired = O código de inscrição expirou.
    .remedy = Este código expirou. Peça ao seu administrador um novo.
err-request_stale = O pedido foi feito há demasiado tempo, ou o relógio do aparelho está errado.
    .remedy = Acerte a data e a hora do seu aparelho (o melhor é a automática) e depois conecte-se novamente.
err-malformed_request = O servidor não conseguiu ler o pedido: o JSON, os membros ou os tamanhos.
    .remedy = Atualize o offsign (recarregue-o com internet), ou fale com o seu administrador.
err-unsupported_media_type = O corpo do pedido não é application/json.
    .remedy = Atualize o offsign (recarregue-o com internet), ou fale com o seu administrador.
err-rate_limited = Demasiados pedidos deste endereço, ou demasiados relatórios desta chave hoje.
    .remedy = Nada foi perdido; o offsign volta a tentar mais tarde, automaticamente.
err-unauthorized = O pedido precisa do token bearer do servidor.
    .remedy = Dê à ferramenta de métricas o token com que o servidor foi iniciado (--metrics-token).
err-login_required = O console precisa de uma sessão: faça login primeiro (ou a sessão terminou).
    .remedy = Faça login no console novamente.
err-login_refused = Nome ou senha errados.
    .remedy = Verifique o nome e a senha. Depois de várias senhas erradas, a conta fica bloqueada por algum tempo; um administrador pode enviar um novo link de configuração.
err-login_locked = Demasiadas senhas erradas: a conta está bloqueada por 15 minutos.
    .remedy = Espere 15 minutos e tente novamente, ou peça a um administrador um novo link de configuração (offsign-server admin add).
err-csrf_refused = A alteração não trazia o token de formulário desta sessão; nada foi alterado.
    .remedy = Recarregue a página do console e faça a alteração novamente.
err-role_refused = Uma conta de auditor vê tudo e não altera nada.
    .remedy = Peça a um administrador que faça a alteração.
err-revocation_list_unavailable = O servidor não consegue assinar uma lista de revogação neste momento.
    .remedy = Nada foi perdido. Peça ao seu administrador que verifique as revogações do servidor.
err-malformed_evidence = Não foi possível abrir uma prova selada (um documento ou imagem de assinatura): está danificada, incompleta, ou é de outra chave ou registro.
    .remedy = Nada dela foi guardado. O offsign volta a enviá-la desde o início; se o problema continuar, use Enviar comentários na página Diagnóstico.
err-digest_mismatch = Os bytes de um documento ou imagem de assinatura não correspondem ao resumo (digest) assinado no registro dele.
    .remedy = A cópia foi alterada ou trocada depois da assinatura; não foi guardada. Use a cópia guardada com o registro no aparelho onde foi assinado, e fale com o seu administrador.
err-record_unknown = O servidor não tem nenhum registro com este id, por isso não aceita provas para ele.
    .remedy = Nada foi perdido: o offsign envia primeiro o registro e depois as provas dele.
err-evidence_too_large = A prova é maior do que o registro declara, ou do que este servidor aceita.
    .remedy = O próprio registro está seguro no servidor; o arquivo fica neste aparelho. Peça ao seu administrador que aumente o limite de provas do servidor.
err-upload_offset_mismatch = Um bloco do envio não começa onde termina a cópia do envio que o servidor tem.
    .remedy = Nada foi perdido: o offsign pergunta ao servidor onde continuar e retoma a partir daí.
err-internal_error = O servidor falhou ao responder.
    .remedy = Nada foi perdido; o offsign volta a tentar mais tarde. Se continuar, avise o seu administrador.
err-form_incomplete = Falta uma parte obrigatória do formulário; nada foi assinado.
    .remedy = Preencha as partes marcadas e depois assine.
err-location_unavailable = A localização do aparelho foi pedida e não foi possível obtê-la; nada foi assinado.
    .remedy = Permita a localização para o offsign e tente novamente ao ar livre, ou assine sem a sua localização se o formulário o permitir.
err-camera_unavailable = Não foi possível abrir a câmera, ou ela não viu nenhum código QR de inscrição a tempo.
    .remedy = Permita a câmera para o offsign e mantenha o código firme e visível para ela, ou escreva o código.

## The device's sentences with specifics (dev-KEY): remedies that name a date or a count, and what each Health check found

dev-wrong-pin-tries-left = Verifique o seu PIN e tente novamente. { $tries ->
        [one] Resta { $tries } tentativa
       *[other] Restam { $tries } tentativas
    } antes de você ter de esperar.
dev-pin-wait-minutes = Demasiadas tentativas com PIN errado. Espere { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    } antes da próxima tentativa (mantenha o offsign aberto: a espera só conta enquanto ele estiver aberto). Ninguém pode redefinir um PIN: se você o esqueceu, peça ao seu escritório um novo código de inscrição e escolha Inscrever de novo (os registros pendentes neste aparelho ainda são enviados), ou restaure uma cópia de segurança.
dev-cert-valid-from = O seu certificado é válido a partir de { $date }. Verifique se a data e a hora do seu aparelho estão certas.
dev-cert-expired-on = O seu certificado expirou em { $date }. Peça ao seu escritório um novo código de inscrição e escolha Inscrever de novo: os registros que você assinou antes ainda são enviados.
dev-cert-expires-on = O seu certificado expira em { $date }. Conecte-se à internet e abra o offsign para que ele seja renovado.
dev-enrollment-refused = { $reason ->
        [enrollment_code_used] { err-enrollment_code_used.remedy }
        [enrollment_code_expired] { err-enrollment_code_expired.remedy }
        [challenge_stale] { err-challenge_stale.remedy }
        [proof_invalid] { err-proof_invalid.remedy }
        [weak_key] { err-weak_key.remedy }
        [replaced_key_unknown] { err-replaced_key_unknown.remedy }
       *[other] { err-enrollment_code_unknown.remedy }
    }
dev-enroll-needs-connection = A inscrição precisa de internet. Conecte-se à internet e tente novamente.
dev-not-an-offsign-server = Nenhum servidor offsign responde no endereço de servidor que o offsign usa. Verifique o endereço (a configuração de servidor do offsign), ou fale com o seu administrador.
dev-unlock-then-enroll = Desbloqueie com o seu PIN e depois inscreva-se de novo.
dev-unlock-then-backup = Desbloqueie com o seu PIN e depois faça a cópia de segurança.
dev-unlock-then-bundle = Desbloqueie com o seu PIN e depois guarde o pacote de provas de novo.
dev-backup-not-these-records = Esta cópia de segurança não corresponde aos registros deste aparelho. Nada foi importado; fale com o seu administrador.
dev-sign-again = Nada foi assinado. Assine o documento novamente.
dev-newer-version-open = Uma versão mais recente do offsign está aberta em outra aba ou janela. Recarregue esta página para usá-la.
dev-file-changed = Escolha o arquivo de novo e assine-o quando ele estiver guardado por inteiro.

# What a Health check found (shown after the check's name: "Certificado (Ana): restam 120 dias"),
# and the Health page's own remedies
dev-randomness-available = disponível
dev-storage-writable = gravável
dev-failed-with = falhou ({ $code })
dev-persistence-granted = concedido
dev-persistence-not-granted = não concedido: o navegador pode apagar os dados do offsign quando faltar espaço
dev-install-the-app = Instale o offsign (crie um atalho dele no início do aparelho) e abra-o a partir daí; depois verifique de novo.
dev-persistence-unsupported = este navegador não pode garantir que mantém os dados
dev-sync-often = Sincronize com frequência para que os registros assinados cheguem logo ao servidor.
dev-storage-used = { $used } MiB de { $quota } MiB em uso
dev-storage-use-unknown = desconhecido neste navegador
dev-no-identity = nenhuma identidade neste aparelho
dev-set-up-this-device = Configure este aparelho com o código do seu administrador.
dev-not-enrolled = não inscrito
dev-days-left = { $days ->
        [one] resta { $days } dia
       *[other] restam { $days } dias
    }
dev-up-to-date = em dia
dev-list-stale = precisa de atualização: a lista de certificados revogados não existe ou está desatualizada
dev-clock-before-last-signature = a hora do aparelho ({ $now }) é anterior à da última assinatura dele ({ $last })
dev-time-now = { $now }
dev-none = nenhum
dev-refused-by-server = { $count ->
        [one] { $count } recusado pelo servidor
       *[other] { $count } recusados pelo servidor
    }
dev-open-the-outbox = Abra a Caixa de saída para ver o motivo de cada recusa, e fale com o seu administrador.
dev-last-sync-at = { $at }
dev-never-nothing-to-send = nunca (nada para enviar)
dev-never = nunca
dev-connect-to-send = Conecte-se à internet para que os registros assinados sejam enviados.
dev-version = { $version }
dev-offset-not-measured = ainda não medido (é medido a cada sincronização)
dev-offset-within = a menos de { $seconds } s do servidor
dev-clock-behind = o relógio do aparelho está { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    } atrasado em relação ao do servidor; as assinaturas usam a hora do servidor
dev-clock-ahead = o relógio do aparelho está { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    } adiantado em relação ao do servidor; as assinaturas usam a hora do servidor
dev-automatic-time = Configure o aparelho para data e hora automáticas.
dev-none-waiting = nenhum à espera
dev-evidence-waiting = { $count ->
        [one] { $count } documento ou imagem
       *[other] { $count } documentos e imagens
    } ({ $size } MiB) à espera de envio
dev-records-waiting = { $count } à espera, o mais antigo há { $hours } h
