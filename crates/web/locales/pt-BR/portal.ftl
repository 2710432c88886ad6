# senderdesk portal — Português (Brasil)
# Os placeables, como { $ip }, são preenchidos pelo portal. Mantenha-os; você pode mudá-los de posição livremente.

## Layout
site-name = Serviços para remetentes
skip-to-content = Ir para o conteúdo
nav-home = Visão geral
nav-lookup = Verificar um IP
nav-delist = Remover um IP
nav-label = Principal
lang-label = Idioma
footer-about = Estas páginas são para qualquer pessoa que envie mensagens aos nossos usuários. Você não precisa de uma conta conosco para usá-las.
footer-api = JSON API

## Visão geral
home-title = Serviços para remetentes
home-intro = Se as mensagens que você enviou aos nossos usuários foram rejeitadas, comece por aqui. Todos os recursos abaixo são de autoatendimento e gratuitos, e nenhum deles exige uma conta conosco.
home-lookup-title = Verificar um endereço IP
home-lookup-body = Veja na hora se um endereço IP está na nossa lista de remetentes bloqueados, por que motivo, desde quando e se você mesmo pode removê-lo.
home-delist-title = Portal de remoção
home-delist-body = Remova você mesmo o seu endereço IP da nossa lista. Confirmamos por email, e a remoção entra em vigor em segundos, não em horas.
home-support-title = Suporte
home-support-body = Não recebemos chamados diretamente de remetentes. Se o autoatendimento não resolver o seu problema, peça ao administrador da caixa de correio do destinatário que abra um chamado conosco em seu nome e envie a ele a mensagem de devolução (NDR) completa.
home-open = Abrir
home-bounce-title = Leia primeiro a mensagem de devolução
home-bounce-body = Uma rejeição enviada por nós indica o problema e o próximo passo. Um código de 5.7.606 a 5.7.611 e as palavras "banned sending IP" significam que o endereço IP de envio está na nossa lista: verifique-o aqui e, em seguida, solicite a remoção.

## Verificação
lookup-title = Verificar um endereço IP
lookup-intro = Insira o endereço IP que enviou a mensagem rejeitada. A nossa mensagem de devolução o indica entre colchetes depois de "banned sending IP".
lookup-ip-label = Endereço IP
lookup-ip-hint = IPv4, como 192.0.2.1, ou IPv6, como 2001:db8::1
lookup-submit = Verificar
lookup-not-listed = { $ip } não está na nossa lista.
lookup-not-listed-next = Se os nossos servidores ainda rejeitarem as suas mensagens, o motivo é outro. Leia a mensagem de devolução completa: ela indica o problema.
lookup-listed = { $ip } está na nossa lista.
lookup-range = Intervalo listado
lookup-reason = Motivo
lookup-code = Código na mensagem de devolução
lookup-since = Listado desde
lookup-expires = Expira em
lookup-expires-never = Não expira automaticamente; permanece na lista até ser removido
lookup-removable = Remoção
lookup-removable-yes = Você mesmo pode removê-lo pelo portal de remoção.
lookup-removable-no = Você não pode removê-lo por conta própria. Peça ao administrador da caixa de correio do destinatário que abra um chamado conosco em seu nome.
lookup-removable-range = Ele está listado como parte de um intervalo maior, que somente o nosso suporte pode remover. Peça ao administrador da caixa de correio do destinatário que abra um chamado conosco em seu nome.
lookup-delist = Solicitar remoção
bad-ip = "{ $value }" não é um endereço IP. Insira um endereço IPv4, como 192.0.2.1, ou um endereço IPv6, como 2001:db8::1.

## Motivos (exibidos no lugar do texto em inglês do operador quando a listagem usa um motivo predefinido)
reason-manual = Listado pelos nossos postmasters após abuso originado deste endereço IP.
reason-complaints = Os nossos usuários denunciaram mensagens deste endereço IP como lixo eletrônico.
reason-spamtrap = Mensagens deste endereço IP chegaram a endereços de armadilha de spam (spam traps), que nunca solicitaram o recebimento de mensagens.
reason-compromised = Este endereço IP apresenta sinais de uma máquina comprometida, de uma botnet ou de um proxy aberto.
reason-policy = Este endereço IP pertence a um intervalo que não deveria enviar mensagens diretamente, como um intervalo de usuários finais ou dinâmico.
reason-hard = Listado por abuso grave ou reiterado; não pode ser removido pelo portal.

## Formulário de remoção
delist-title = Remover um endereço IP
delist-intro = Enviaremos um link de confirmação para o seu endereço de email. Abra-o em até { $minutes } minutos e confirme; o endereço IP será removido da nossa lista imediatamente.
delist-email-label = Seu endereço de email
delist-email-hint = Enviaremos para este endereço apenas o link de confirmação, mais nada.
delist-ip-label = Endereço IP a ser removido
delist-honeypot-label = Deixe este campo em branco
delist-submit = Enviar o link de confirmação
delist-pow-working = Verificando o seu navegador antes do envio…
delist-pow-note = Antes do envio, o seu navegador faz um cálculo rápido (menos de um segundo) para impedir que robôs sobrecarreguem este formulário. Sem JavaScript, o formulário continua funcionando.
delist-terms = Você pode remover um endereço IP por conta própria no máximo { $max } vezes em { $days } dias. Depois disso, ou no caso de listagens marcadas como não removíveis pelo autoatendimento, somente o nosso suporte pode removê-lo.

## Remoção: link enviado
sent-title = Verifique a sua caixa de correio
sent-body = Se { $ip } puder ser removido, um link de confirmação está sendo enviado para { $email }. Ele pode ser usado uma única vez, durante { $minutes } minutos.
sent-reference = A referência da sua solicitação é { $reference }. Guarde-a: a página de status mostra o andamento da sua solicitação, inclusive se a nossa mensagem foi entregue.
sent-status = Ver o status da sua solicitação
sent-retrying = O nosso servidor de email ainda não aceitou a mensagem. Continuaremos tentando até o link expirar; a página de status mostra quando ela for enviada.
sent-no-mail = Não recebeu nada? Verifique a sua pasta de spam/lixo eletrônico e confira se o endereço está escrito corretamente. Você pode solicitar um novo link a qualquer momento.

## Remoção: recusas e limites
refused-title = Não é possível fazer a remoção por autoatendimento
refused-not-listed = { $ip } não está na nossa lista, portanto não há nada a remover. Se os nossos servidores ainda rejeitarem as suas mensagens, leia a mensagem de devolução completa: ela indica o problema.
refused-not-self-removable = { $ip } está listado por um motivo que não permite a remoção pelo portal.
refused-range = { $ip } está listado como parte de um intervalo maior. Intervalos só podem ser removidos pelo nosso suporte.
refused-too-many = { $ip } já foi removido pelo portal { $max } vezes nos últimos { $days } dias. Ele foi listado novamente todas as vezes, portanto o problema que causa a listagem ainda não foi resolvido.
refused-escalate = O que você pode fazer: primeiro corrija a causa e, em seguida, peça ao administrador da caixa de correio do destinatário que abra um chamado conosco em seu nome. Informe a ele o endereço IP, a mensagem de devolução completa e o que você alterou.
limit-title = Excesso de solicitações
limit-email = Houve solicitações de remoção demais para este endereço de email recentemente. Aguarde um dia e use o link que você já recebeu, se ele ainda for válido.
limit-client = Houve solicitações de remoção demais a partir da sua rede recentemente. Tente novamente amanhã.
limit-listed-ip = Houve solicitações de remoção demais para { $ip } recentemente. Use o link já enviado ou tente novamente amanhã.
limit-flood = Solicitações demais em pouco tempo. Aguarde um minuto e tente novamente.
bad-email = "{ $value }" não é um endereço de email para o qual possamos enviar mensagens. Insira um endereço simples, como postmaster@example.net.
bad-proof = A verificação do navegador falhou ou está desatualizada. Recarregue a página e envie o formulário novamente.
form-problem = Corrija o seguinte:

## Remoção: página de confirmação
confirm-title = Confirmar a remoção de { $ip }
confirm-status = Status atual
confirm-listed = { $ip } está na nossa lista.
confirm-responsibility-title = Sua responsabilidade
confirm-responsibility = Ao remover este endereço IP, você confirma que corrigiu o que causou a listagem e que garantirá que as próximas mensagens enviadas deste endereço IP não sejam abusivas nem mal-intencionadas. Caso sejam, o endereço será listado novamente, e a remoção por autoatendimento poderá deixar de estar disponível.
confirm-button = Remover IP
confirm-expired = Este link expirou. Os links são válidos por { $minutes } minutos. Solicite um novo.
confirm-used = Este link já foi usado. Cada link pode ser usado uma única vez.
confirm-unknown = Este link não é válido. Verifique se você copiou o link completo da mensagem ou solicite um novo.
confirm-new-link = Solicitar um novo link

## Remoção: concluída
done-title = { $ip } foi removido
done-body = { $ip } foi removido da nossa lista em { $time }. Os nossos servidores de email e a nossa lista DNS deixaram de rejeitá-lo em questão de segundos.
done-reference = A referência da sua solicitação é { $reference }. Estamos enviando uma confirmação para { $email }.
done-caches = Os servidores de outros provedores podem manter em cache a nossa resposta DNS por até { $minutes } minutos.
done-advice = Para não voltar à lista: envie apenas mensagens que os destinatários solicitaram, remova os endereços que geram mensagens de devolução e facilite o cancelamento da inscrição.

## Página de status
status-title = Solicitação de remoção { $reference }
status-ip = Endereço IP
status-state = Estado
status-created = Solicitada em
status-completed = Concluída em
status-mail = Mensagem de confirmação
state-pending = Aguardando confirmação pelo link enviado por email
state-expired = Expirada: o link não foi usado a tempo
state-delisted = IP removido da lista
state-refused = Recusada
mail-queued = Em envio
mail-sent = Aceita pelo nosso servidor de email para entrega
mail-outbox = Gravada na caixa de saída do operador (esta instalação não tem retransmissão de email)
mail-retrying = Ainda não entregue; continuamos tentando
mail-failed = Não foi possível entregar; solicite um novo link
status-unknown = Não há nenhuma solicitação com a referência { $reference }. As referências têm o formato DL-7KQ2-M9XD.

## Erros
error-title = Algo deu errado
error-not-found = Não há nenhuma página neste endereço.
error-internal = Não foi possível concluir esta solicitação devido a um problema do nosso lado. Nada foi alterado. Tente novamente em alguns minutos.
error-forbidden = Este formulário foi enviado de outro site, por isso não o aceitamos. Abra o formulário no nosso site e envie-o novamente.
error-too-large = A solicitação é grande demais.
home-link = Voltar à visão geral

## Email: link de confirmação
mail-verify-subject = Confirme a remoção de { $ip } da nossa lista
mail-verify-greeting = Olá,
mail-verify-body = Alguém, provavelmente você, solicitou a remoção de { $ip } da nossa lista de remetentes bloqueados. Para confirmar, abra este link em até { $minutes } minutos:
mail-verify-ignore = Se você não fez essa solicitação, ignore esta mensagem: nada será alterado sem o link.
mail-verify-reference = Referência da solicitação: { $reference }
mail-signature = Serviços para remetentes

## Email: remoção confirmada
mail-done-subject = { $ip } foi removido da nossa lista
mail-done-body = { $ip } foi removido da nossa lista de remetentes bloqueados em { $time }, pelo portal de remoção.
mail-done-status = Você pode verificar o status a qualquer momento: { $url }

## Denunciar lixo eletrônico
nav-report = Denunciar spam
home-report-title = Denunciar lixo eletrônico
home-report-body = Recebeu uma mensagem de lixo eletrônico enviada pela nossa plataforma? Denuncie-a com os cabeçalhos completos: a nossa equipe antiabuso a associa ao remetente e bloqueia os reincidentes.
report-title = Denunciar lixo eletrônico enviado pela nossa plataforma
report-intro = Cole a mensagem de lixo eletrônico com todos os cabeçalhos ou envie-a como arquivo .eml. Sem os cabeçalhos, não conseguimos saber quem a enviou. Provedores de email e feedback loops também podem enviar denúncias para { $address }, como anexos ou no formato ARF.
report-howto = Como obter a mensagem completa: no Outlook, abra a mensagem e escolha Arquivo, Salvar como, ou encaminhe-a como anexo; no Gmail, escolha Mostrar original; no Thunderbird, escolha Exibir, Código-fonte da mensagem.
report-message-label = A mensagem, com todos os cabeçalhos
report-file-label = Ou envie a mensagem (.eml)
report-email-label = Seu endereço de email (opcional)
report-email-hint = Apenas para lhe fazer uma pergunta sobre esta denúncia, se for necessário.
report-submit = Enviar a denúncia
report-empty = Cole a mensagem ou escolha um arquivo.
report-not-mail = Isto não parece ser uma mensagem de email com cabeçalhos: { $why }. Cole a mensagem inteira, a partir da primeira linha de cabeçalho (como Received: ou Return-Path:).
report-too-large = A mensagem é maior que { $size } bytes.
report-thanks-title = Obrigado
report-thanks = A sua denúncia foi registrada com o número { $submission }. Mensagens denunciadas: { $count }. A nossa equipe antiabuso age quando há reclamações repetidas sobre o mesmo remetente.
report-thanks-duplicate = Já tínhamos uma denúncia sua sobre esta mensagem; ela é registrada uma única vez.
report-not-ours = A mensagem denunciada não parece ter sido enviada pela nossa plataforma, portanto não podemos tomar providências contra o remetente. Denuncie-a ao provedor de onde ela veio.
report-unavailable = No momento, não conseguimos registrar denúncias. Tente novamente em alguns minutos.
