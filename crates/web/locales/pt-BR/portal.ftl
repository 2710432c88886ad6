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
date-time = { $day } de { $month } de { $year }, { $time } UTC
month-1 = janeiro
month-2 = fevereiro
month-3 = março
month-4 = abril
month-5 = maio
month-6 = junho
month-7 = julho
month-8 = agosto
month-9 = setembro
month-10 = outubro
month-11 = novembro
month-12 = dezembro
footer-about = Estas páginas são para qualquer pessoa que envie mensagens aos nossos usuários. Você não precisa de uma conta conosco para usá-las.
footer-api = API JSON

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
lookup-note = Nossa observação sobre esta listagem
untranslated-english = (Nossos operadores escreveram este texto apenas em inglês.)
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

## Motivos (o texto dos motivos predefinidos; um motivo com texto próprio na configuração mostra esse texto, e o texto próprio de uma listagem aparece ao lado do motivo, nunca no lugar dele)
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
limit-mails = Este formulário está enviando um número incomum de emails de confirmação agora, por isso foi pausado por um tempo: a pausa impede que alguém o use para inundar caixas de correio. Seu endereço não foi usado. Tente novamente em uma hora.
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
mail-queued = Enviando
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
error-too-large-limit = Esta página aceita no máximo { $size }. Envie um texto mais curto ou um arquivo menor.
error-timeout = Esta solicitação demorou demais e foi interrompida. Ela pode não ter sido concluída: tente novamente em alguns minutos.
error-unreadable = Não conseguimos ler esta solicitação. Volte ao formulário, confira o que você preencheu e envie-o novamente.
error-cross-site-api = Não aceitamos solicitações vindas de páginas de outro site. Chame esta API a partir do seu próprio servidor, não de um navegador em outro site.
error-unavailable = Não é possível consultar a lista no momento. Tente novamente em alguns minutos.
api-ip-required = Informe um endereço IP em ?ip= e, se quiser, um domínio em &domain=.
api-no-code = O texto não contém nenhum código de status estendido (como 5.7.606). Envie a mensagem de devolução completa em ?text=.
api-token-required = É necessário um bearer token válido.
api-report-empty = O corpo da solicitação deve ser a mensagem denunciada (message/rfc822).
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
report-not-mail-no-header-block = não foi possível ler nenhum cabeçalho
report-not-mail-empty-first-line = começa com uma linha em branco, e não com um cabeçalho
report-not-mail-first-line-not-header = a primeira linha não é um campo de cabeçalho
report-not-mail-other = não foi possível lê-la como tal
report-too-large = A mensagem é maior que { $size } bytes.
report-thanks-title = Obrigado
report-thanks = A sua denúncia foi registrada com o número { $submission }. Mensagens denunciadas: { $count }.
report-reviewed = As denúncias enviadas por este formulário são lidas por uma pessoa da nossa equipe antiabuso antes de qualquer ação: qualquer um pode preencher um formulário, por isso nenhum remetente é bloqueado só com base nele.
report-thanks-duplicate = Já tínhamos uma denúncia sua sobre esta mensagem; ela é registrada uma única vez.
report-not-ours = A mensagem denunciada não parece ter sido enviada pela nossa plataforma, portanto não podemos tomar providências contra o remetente. Denuncie-a ao provedor de onde ela veio.
report-unavailable = No momento, não conseguimos registrar denúncias. Tente novamente em alguns minutos.

## Autoatendimento: navegação e visão geral
nav-ndr = Explicar uma mensagem de devolução
nav-diagnose = Verificar a configuração
nav-help = Ajuda
nav-support = Suporte
home-ndr-title = Explicar uma mensagem de devolução
home-ndr-body = Cole a mensagem de rejeição que você recebeu. Encontramos nela os códigos e o endereço IP e explicamos o que cada um significa, a quem cabe agir e qual é o próximo passo.
home-ndr-open = Explicar a minha mensagem de devolução
home-diagnose-title = Verificar a sua configuração
home-diagnose-body = Verifique um endereço IP de envio e um domínio como os servidores de destino os veem: a nossa lista, DNS reverso, SPF, DMARC e MX, cada item com recomendações.
home-help-title = Ajuda para remetentes
home-help-body = Os nossos requisitos para remetentes, como funcionam a nossa filtragem e a autenticação, guias passo a passo e respostas a perguntas frequentes.

## Explicação de mensagens de devolução
ndr-title = Explicar uma mensagem de devolução
ndr-intro = Cole a mensagem de devolução (relatório de falha na entrega, NDR) que você recebeu ou apenas a linha com a resposta do servidor. Lemos os códigos de status e o endereço IP que ela contém e os explicamos.
ndr-text-label = A mensagem de devolução ou a resposta SMTP
ndr-text-hint = Por exemplo: 550 5.7.606 Access denied, banned sending IP [192.0.2.7]. A mensagem inteira também serve; apenas os primeiros 64 KiB são lidos.
ndr-submit = Explicar
ndr-no-code = Não encontramos neste texto nenhum código de status como 5.7.606 ou 4.7.500. Cole a mensagem de devolução inteira, inclusive a linha com a resposta do servidor; normalmente ela começa com um número de três dígitos, como 550.
ndr-ip-not-listed = { $ip } não está na nossa lista.
ndr-ip-not-listed-next = Se esta mensagem de devolução veio de outro provedor, siga as instruções que ela contém: o nosso portal de remoção só remove endereços da nossa própria lista.
ndr-ours = Na nossa lista, este código significa: { $reason }
ndr-whose-move = Quem deve agir:
ndr-steps = O que fazer
ndr-owner-sender = o remetente (a pessoa que enviou a mensagem).
ndr-owner-sender-admin = o administrador do sistema de email de envio.
ndr-owner-recipient-admin = o administrador do sistema de email do destinatário.
ndr-owner-depends = depende do texto que vem depois do código.
ndr-link-lookup = Verificar um endereço IP na nossa lista
ndr-link-lookup-ip = Verificar { $ip } na nossa lista
ndr-link-delist = Solicitar a remoção da nossa lista
ndr-link-delist-ip = Solicitar a remoção de { $ip }
ndr-link-diagnose = Verificar a sua configuração
ndr-link-diagnose-ip = Verificar a configuração de { $ip }
ndr-link-support = Como entrar em contato com o nosso suporte
ndr-link-support-ip = Como entrar em contato com o nosso suporte
ndr-link-help = Ajuda: { $title }

## Diagnóstico de remetente
diag-title = Verificar a sua configuração
diag-intro = Verifique um endereço IP de envio e, opcionalmente, o domínio a partir do qual você envia, como os servidores de destino os veem. Cada verificação indica aprovado, aviso ou falha, com o que fazer.
diag-ip-label = Endereço IP de envio
diag-domain-label = Domínio a partir do qual você envia (opcional)
diag-domain-hint = O domínio depois do @ no seu endereço de remetente, como example.com. Necessário para as verificações de SPF, DMARC e MX.
diag-submit = Verificar
diag-results = Resultados para { $ip }
diag-summary = Aprovadas: { $passed }; com avisos: { $warned }; com falha: { $failed }.
diag-no-domain = Insira o domínio a partir do qual você envia para verificar também SPF, DMARC e MX.
diag-bad-domain = "{ $value }" não é um nome de domínio. Insira um nome como example.com, sem @ nem http://.
diag-refused-ip-not-global = { $value } não é um endereço global da Internet: é privado, de loopback, link-local, reservado ou destinado à documentação. O email na Internet sai de endereços globais, então não há nada aqui que possamos verificar. Informe o endereço público de onde seu servidor envia.
diag-refused-name-not-public = { $value } não é um nome de domínio público: é um nome de uso especial ou interno (como .local, .test ou .internal). Informe o domínio público de onde você envia email.
diag-busy = Há muitos diagnósticos em andamento agora. Tente novamente em alguns segundos.
diag-status-pass = Aprovado
diag-status-warn = Aviso
diag-status-fail = Falha
diag-check-listed = A nossa lista de bloqueio
diag-check-ptr = DNS reverso (PTR)
diag-check-fcrdns = DNS reverso com confirmação direta (FCrDNS)
diag-check-spf = SPF
diag-check-dmarc = DMARC
diag-check-mx = Registros MX
diag-listed-no = { $ip } não está na nossa lista.
diag-listed-yes = { $ip } está na nossa lista ({ $code }): { $reason } Você pode solicitar a remoção depois de corrigir a causa.
diag-listed-support = { $ip } está na nossa lista ({ $code }): { $reason } Ele não pode ser removido por autoatendimento; consulte a página de suporte.
diag-ptr-found = O endereço IP tem um registro PTR: { $name }.
diag-ptr-generic = O nome PTR { $name } parece um nome atribuído a conexões residenciais ou dinâmicas. Peça ao proprietário do endereço IP que configure como nome PTR o nome do seu servidor de email, como mail.example.com.
diag-ptr-missing = { $ip } não tem registro PTR. Muitos servidores de destino recusam mensagens de endereços sem DNS reverso. Peça a quem administra o endereço IP (o seu provedor de hospedagem ou de rede) que configure um.
diag-fcrdns-pass = { $name } resolve de volta para { $ip }: o DNS reverso tem confirmação direta.
diag-fcrdns-fail = Nenhum dos nomes PTR ({ $name }) resolve de volta para { $ip }. Adicione para o nome um registro A ou AAAA que aponte para o endereço IP.
diag-fcrdns-no-ptr = Não é possível confirmar sem um registro PTR.
diag-spf-pass = O registro SPF de { $domain } autoriza { $ip }.
diag-spf-fail = O registro SPF de { $domain } não autoriza { $ip } e pede aos servidores de destino que rejeitem essas mensagens. Adicione ao registro o endereço IP ou o include do seu serviço de envio.
diag-spf-softfail = O registro SPF de { $domain } não autoriza { $ip } (~all, falha leve). Os servidores de destino tratarão essas mensagens com desconfiança; adicione o endereço IP ao registro.
diag-spf-neutral = O registro SPF de { $domain } não diz nada sobre { $ip } (?all). Adicione o endereço IP ao registro e termine-o com -all ou ~all.
diag-spf-none = { $domain } não tem registro SPF. Publique um que inclua todos os servidores que enviam mensagens em nome do domínio, como "v=spf1 ip4:{ $ip } -all".
diag-spf-permerror = O registro SPF de { $domain } está com defeito (erro de sintaxe, mais de um registro ou mais de 10 consultas DNS), por isso os servidores de destino o tratam como erro. Corrija o registro.
diag-dmarc-enforced = { $domain } publica uma política DMARC p={ $policy }.
diag-dmarc-none = { $domain } publica DMARC com p=none: os servidores de destino apenas enviam relatórios, nada é aplicado. Passe para quarantine ou reject quando os seus relatórios mostrarem que todas as suas mensagens passam.
diag-dmarc-missing = { $domain } não tem registro DMARC. Publique um em _dmarc.{ $domain }, começando com "v=DMARC1; p=none" e um endereço rua= para os relatórios.
diag-dmarc-invalid = O registro DMARC de { $domain } não é válido ({ $problem }). Os servidores de destino o ignoram; corrija-o.
diag-mx-found = { $domain } recebe mensagens em: { $hosts }.
diag-mx-missing = { $domain } não tem registro MX. As mensagens de devolução e as respostas às suas mensagens podem não chegar até você, e alguns servidores de destino recusam remetentes cujo domínio não pode receber mensagens. Publique um registro MX.
diag-mx-null = { $domain } publica um MX nulo (não recebe mensagens). Os servidores de destino recusam mensagens desses domínios, pois as respostas nunca poderiam chegar. Envie a partir de um domínio que receba mensagens.
diag-dns-error = A consulta DNS falhou, por isso não foi possível fazer esta verificação: { $error }. Tente novamente mais tarde; se a falha persistir, os servidores de nomes do domínio podem estar inacessíveis.
diag-problem-several-records = há mais de um registro DMARC
diag-problem-unknown-policy = política desconhecida p={ $policy }
diag-problem-no-policy = falta a tag p=
diag-error-timeout = nenhuma resposta a tempo
diag-error-failed = os servidores de nomes não deram uma resposta utilizável
diag-error-spf-timeout = a avaliação do SPF não terminou a tempo
diag-error-spf-temperror = uma consulta DNS durante a avaliação do SPF falhou
diag-api-title-refused = Este endereço ou domínio não é diagnosticado
diag-api-title-busy = Há diagnósticos demais em andamento

## Páginas de ajuda e suporte
help-title = Ajuda para remetentes
help-intro = As nossas políticas e requisitos para remetentes, como funcionam a nossa filtragem e a autenticação, e guias para os problemas mais comuns.
help-tools-title = Ferramentas de autoatendimento
help-breadcrumb = Você está aqui
help-more = Mais ajuda
help-not-translated = Esta página ainda não está disponível no seu idioma; ela é exibida no idioma em que foi escrita.
support-title = Suporte
support-intro = A maioria dos problemas é resolvida mais rapidamente pelo autoatendimento: ele funciona na hora, a qualquer momento. Se ele não resolver o seu problema, há uma forma de entrar em contato conosco.
support-selfhelp-title = Comece por aqui
support-escalate-title = Quando o autoatendimento não basta
support-escalate-body = Não recebemos chamados diretamente de remetentes, porque não conseguimos verificar por um formulário web quem é o proprietário de um endereço IP ou de um domínio. Um cliente nosso consegue, e ele se responsabiliza pela solicitação: peça ao administrador de um destinatário com quem você precisa se comunicar que abra um chamado conosco em seu nome. O nosso suporte poderá então entrar em contato diretamente com você ou com o titular do espaço de endereços IP.
support-step-fix = Primeiro corrija a causa e anote o que você alterou.
support-step-ask = Peça ao administrador do sistema de email do destinatário, por telefone ou a partir de outro endereço, que abra um chamado com o nosso suporte para você.
support-step-we = Analisamos o caso e respondemos ao administrador que abriu o chamado; quando necessário, entramos em contato com o titular do espaço de endereços IP.
support-include-title = O que o chamado deve incluir
support-include-bounce = A mensagem de devolução completa, com a linha que contém o código de status (como 550 5.7.606).
support-include-ips = Os endereços IP de envio.
support-include-domains = Os domínios a partir dos quais você envia.
support-include-cause = O que causou o problema e o que você alterou para corrigi-lo, com as datas.
support-include-contact = Um contato técnico do seu sistema de email.
support-no-self-tickets = Por que pedimos isso: um chamado aberto por um cliente nosso nos mostra que as mensagens são desejadas, o que para nós é a informação mais importante.

# The notice to a tenant's contact when one of its senders is restricted.
mail-restricted-subject = Envio restrito para { $sender } após { $count } reclamações (caso nº { $case })
mail-restricted-body = A nossa equipe antiabuso recebeu { $count } reclamações em { $window } sobre mensagens enviadas pela nossa plataforma por { $sender } ({ $tenant }).
mail-restricted-effect = As mensagens enviadas por { $sender } passam a ser recusadas com "550 5.1.8 Access denied, bad outbound sender" até que a nossa equipe antiabuso remova a restrição. Nada mais de { $tenant } é afetado.
mail-restricted-todo = O que fazer:
mail-restricted-step-account = Verifique se a conta foi comprometida: troque a senha e procure acessos que você não reconheça.
mail-restricted-step-consent = Se as mensagens foram enviadas de propósito, confira se cada destinatário as solicitou, se o cancelamento da inscrição exige um único clique e se os endereços que geram mensagens de devolução são removidos.
mail-restricted-step-reply = Responda a esta mensagem contando o que encontrou e mudou, citando o caso nº { $case }; removemos a restrição assim que a causa for corrigida.
mail-restricted-case = Caso: nº { $case }

## Accounts: the set-password link and its page
account-role-admin = administrador
account-role-agent = agente (suporte e tratamento de abuso)
account-role-tenant-admin = administrador do cliente
mail-account-set-subject = Sua conta: escolha uma senha
mail-account-reset-subject = Sua conta: escolha uma nova senha
mail-account-set-body = Uma conta foi criada para { $email } com a função { $role }. Para escolher sua senha, abra este link em até { $hours } horas:
mail-account-reset-body = Foi pedida uma nova senha para a conta { $email }. Para escolhê-la, abra este link em até { $hours } horas:
mail-account-once = O link funciona uma única vez. Se você não esperava este email, ignore-o: nada muda enquanto o link não for usado.
account-password-title = Escolha sua senha
account-password-intro = Para a conta { $email }.
account-password-hint = Pelo menos { $min } caracteres. Algumas palavras sem relação entre si formam uma senha forte e fácil de lembrar.
account-password-label = Nova senha
account-password-confirm-label = Repita a senha
account-password-submit = Definir a senha
account-password-mismatch = As duas senhas são diferentes; digite a mesma senha nos dois campos.
account-password-too-short = A senha tem { $chars } caracteres; ela precisa de pelo menos { $min }.
account-password-too-long = A senha tem { $chars } caracteres; são permitidos no máximo { $max }.
account-password-done-title = Senha definida
account-password-done = A senha de { $email } foi definida. Este link não pode mais ser usado.
account-link-title = Este link não pode ser usado
account-link-unknown = Este link não é válido. Verifique se você o copiou por inteiro ou peça um novo a um administrador.
account-link-used = Este link já foi usado: cada link funciona uma única vez. Se precisar de uma nova senha, peça um novo link a um administrador.
account-link-expired = Este link expirou. Peça um novo a um administrador.
account-link-disabled = Esta conta está desativada. Fale com um administrador se achar que é um engano.

## Entrada e página da conta
footer-staff = Acesso da equipe e dos clientes
error-no-role = A função da sua conta não dá acesso a esta página. Peça a um administrador se precisar dela.
signin-title = Entrar
signin-intro = Para uso interno: a equipe antiabuso, o suporte e os administradores dos nossos clientes.
signin-email = Endereço de email
signin-password = Senha
signin-submit = Entrar
signin-forgot = Esqueceu a senha? Peça a um administrador que envie um novo link para o seu email.
signin-wrong = O endereço de email ou a senha estão incorretos.
signin-disabled = Esta conta está desativada. Fale com um administrador se achar que é um engano.
signin-wait = Tentativas malsucedidas demais. Tente novamente em { $seconds } segundos.
signin-signed-out = Você saiu da sua conta.
signin-code-title = Digite o seu código
signin-code-intro = Abra o seu aplicativo autenticador e digite o código de seis dígitos que ele mostra para este site, ou um dos seus códigos de recuperação.
signin-code-label = Código
signin-code-hint = Seis dígitos, ou um código de recuperação como 3f9a-0c21-77de.
signin-code-submit = Continuar
signin-code-wrong = Esse código não está correto ou já foi usado. Digite o código que o aplicativo mostra agora.
signin-cancel = Cancelar e sair
signout-submit = Sair
account-title = Sua conta
account-who = Conectado como { $email }, { $role }.
account-tenant = Cliente: { $tenant }.
account-done-password = Sua senha foi alterada. As suas outras sessões foram encerradas.
account-done-sessions = As sessões foram encerradas.
account-done-totp-off = A verificação em duas etapas está desativada.
account-done-policy = A regra da verificação em duas etapas foi salva.
account-totp-demanded = Os administradores exigem a verificação em duas etapas para a sua função. Ative-a abaixo para continuar.
account-totp-heading = Verificação em duas etapas
account-totp-on = A verificação em duas etapas está ativada. Códigos de recuperação restantes: { $left }.
account-totp-off = A verificação em duas etapas está desativada. Com ela ativada, para entrar você também precisa de um código de um aplicativo autenticador no seu celular.
account-totp-enable = Ativar a verificação em duas etapas
account-totp-disable = Desativar a verificação em duas etapas
account-totp-required = Os administradores exigem a verificação em duas etapas para a sua função, por isso ela continua ativada.
account-totp-required-cannot-disable = Os administradores exigem a verificação em duas etapas para a sua função; ela não pode ser desativada.
account-codes-new = Gerar novos códigos de recuperação
account-current-password = Sua senha atual
account-current-wrong = Sua senha atual não está correta.
account-password-heading = Senha
account-password-change = Alterar a senha
account-sessions-heading = Onde você está conectado
account-session-started = Entrada
account-session-seen = Última atividade
account-session-address = Endereço
account-session-browser = Navegador
account-session-this = Este navegador
account-session-end = Encerrar sessão
account-sessions-end-others = Encerrar todas as outras sessões
account-sessions-end-all = Encerrar todas as sessões
account-policy-heading = Regra para administradores e agentes
account-policy-on = Administradores e agentes precisam usar a verificação em duas etapas.
account-policy-off = Administradores e agentes podem entrar só com a senha.
account-policy-turn-on = Exigir a verificação em duas etapas de administradores e agentes
account-policy-turn-off = Deixar de exigir a verificação em duas etapas
account-totp-setup-title = Configurar a verificação em duas etapas
account-totp-step-scan = Escaneie este código com um aplicativo autenticador (como FreeOTP, Aegis ou Google Authenticator) ou digite nele a chave abaixo.
account-totp-step-type = Digite o código de seis dígitos que o aplicativo mostrar em seguida, para confirmar que funciona.
account-totp-qr-label = Código QR para escanear com um aplicativo autenticador
account-totp-secret = Chave:
account-totp-confirm = Ativar
account-totp-code-wrong = Esse código não está correto. Verifique se o relógio do celular está certo e digite o código que o aplicativo mostra agora.
account-back = Voltar para a sua conta
account-codes-title = Seus códigos de recuperação
account-totp-now-on = A verificação em duas etapas está ativada.
account-codes-intro = Guarde estes códigos em um lugar seguro, longe do seu celular. Se você perder o celular, cada um deles substitui uma única vez um código do aplicativo. Eles só são mostrados agora; os códigos anteriores deixam de funcionar.
account-codes-done = Já os guardei

## Administradores: as contas da nossa equipe
users-title = Pessoas e funções
users-intro = Todas as pessoas que podem entrar aqui. Uma pessoa nova recebe um email com um link de uso único para escolher uma senha; o mesmo acontece com quem tem a senha redefinida.
users-role = Função
users-tenant = Cliente
users-tenant-hint = Somente para um administrador do cliente, que não vê nada dos outros clientes.
users-state = Situação
users-added = Data de cadastro
users-state-active = ativa
users-state-waiting = aguardando a senha
users-state-disabled = desativada
users-reset = Enviar um novo link
users-disable = Desativar
users-add-heading = Adicionar uma pessoa
users-lang = Idioma do email
users-add = Adicionar e enviar o link
users-done-added = A conta { $email } foi adicionada e um link para escolher a senha está a caminho.
users-done-disabled = A conta { $email } está desativada: a conta, as sessões e os links dela não funcionam mais.
users-done-reset = Um novo link para escolher a senha está a caminho de { $email }.
users-bad-email = Isso não é um endereço de email.
users-bad-role = Escolha uma das funções.
users-missing = { $what } não existe.
users-needs-tenant = Um administrador do cliente precisa de um cliente: escolha um.
users-tenant-for-role = Só um administrador do cliente pertence a um cliente; para esta função, deixe o cliente em branco.
users-unknown-tenant = Não existe o cliente { $tenant }.
users-exists = Já existe uma conta { $email }.
users-not-yourself = Você não pode desativar a sua própria conta aqui; peça a outro administrador.

## Chamados de suporte
tickets-title = Chamados de suporte
tickets-state = Estado
tickets-active = Não resolvidos nem fechados
tickets-reason = Motivo
tickets-assignee = Atribuído a
tickets-anyone = Qualquer pessoa
tickets-me = Mim
tickets-nobody = Ninguém
tickets-older = Abertos há mais de (dias)
tickets-unread = Somente com resposta nova
tickets-search = Pesquisar
tickets-filter = Mostrar
tickets-reference = Chamado
tickets-sender = Remetente
tickets-opened = Aberto em
tickets-updated = Última alteração
tickets-new-reply = resposta nova
tickets-none = Nenhum chamado corresponde aos filtros.
tickets-back = Todos os chamados
ticket-state-new = novo
ticket-state-open = aberto
ticket-state-waiting-sender = aguardando o remetente
ticket-state-waiting-tenant = aguardando o cliente
ticket-state-resolved = resolvido
ticket-state-closed = fechado
ticket-new-title = Abrir um chamado para um remetente
ticket-new-intro = Para um remetente cujas mensagens aos seus usuários nós recusamos, quando as medidas que o próprio remetente tomou não resolveram. Informe o endereço IP de envio ou o domínio de envio (ou ambos), como entrar em contato com o remetente e a mensagem de devolução que ele recebeu.
ticket-ip = Endereço IP ou intervalo de envio
ticket-ip-hint = Como aparece na mensagem de devolução, por exemplo 192.0.2.7.
ticket-domain = Domínio de envio
ticket-contact = Endereço de contato do remetente
ticket-contact-hint = Normalmente o endereço postmaster ou abuse dele. Podemos escrever diretamente para ele.
ticket-bounce = A mensagem de devolução
ticket-bounce-hint = Cole a mensagem de devolução inteira ou, pelo menos, a linha com o código de status (como 550 5.7.611).
ticket-description = O que aconteceu e o que o remetente já tentou
ticket-open = Abrir o chamado
ticket-bad-ip = O endereço IP ou intervalo não é válido.
ticket-bad-domain = O domínio de envio não é um nome de domínio válido.
ticket-need-sender = Informe o endereço IP de envio ou o domínio de envio.
ticket-bad-contact = O endereço de contato do remetente não é um endereço de email.
ticket-need-bounce = Cole a mensagem de devolução que o remetente recebeu.
ticket-bounce-too-long = A mensagem de devolução é longa demais; cole no máximo { $max } caracteres.
ticket-need-description = Conte o que aconteceu.
ticket-description-too-long = O texto é longo demais; no máximo { $max } caracteres.
ticket-need-message = A mensagem está vazia.
ticket-title = Chamado { $reference }
ticket-summary = { $state } · cliente { $tenant } · aberto por { $opener } em { $opened }
ticket-opened = O chamado { $reference } foi aberto. O nosso suporte responderá aqui e por email.
ticket-done-reply = A resposta foi enviada.
ticket-done-note = A nota foi adicionada; somente os agentes a veem.
ticket-done-state = O estado foi alterado.
ticket-done-assign = A atribuição foi alterada.
ticket-done-act = Feito; a ação foi registrada no histórico do chamado e no log de auditoria.
ticket-sender-heading = O remetente
ticket-thread = Mensagens
ticket-internal = nota interna
ticket-by-mail = por email
ticket-reply = Resposta
ticket-then = Depois, o chamado fica
ticket-send = Enviar a resposta
ticket-note = Nota interna (somente os agentes a veem)
ticket-add-note = Adicionar a nota
ticket-closed = Este chamado está fechado e não aceita mais mensagens.
ticket-work = Tratamento do chamado
ticket-set-state = Alterar o estado
ticket-assign = Atribuir
ticket-no-such-agent = Os chamados só podem ser atribuídos a agentes e administradores ativos.
ticket-actions = Ações
ticket-act-delist = Remover { $ip } da lista
ticket-act-reason = Alterar o motivo da listagem para
ticket-act-extend = Prorrogar a listagem por (dias)
ticket-act-allow = Adicionar { $ip } à lista de permissões
ticket-act-lift-ban = Remover o bloqueio do endereço de remetente
ticket-act-apply = Aplicar
ticket-act-not-listed = Não há listagem exatamente deste endereço IP ou intervalo (ele pode estar coberto por um mais amplo).
ticket-act-bad-reason = Escolha um dos motivos.
ticket-act-bad-days = Informe um número de dias de 1 a 3650.
ticket-act-no-ban = Não há bloqueio desse endereço de remetente.
ticket-act-release = Liberar um remetente nosso com envio restrito (endereço)
ticket-act-no-restriction = Esse remetente nosso não tem restrição.
ticket-act-unknown = Essa ação não está disponível para este chamado.
ticket-no-text = (Sem texto: a resposta era só um anexo, guardado com o email.)
ticket-ip-not-listed = { $ip } não está na nossa lista agora.
ticket-ip-not-listed-next = Nossa lista não recusa mais emails desse endereço; se ainda voltarem, a mensagem de devolução aponta outra causa.
ticket-history = Histórico

## Chamados: o convite ao titular dos endereços IP e os emails de um chamado
ticket-done-invite = O convite está a caminho.
ticket-done-revoke = O convite foi cancelado; o link e a sessão dele não funcionam mais.
ticket-parties = Quem participa
ticket-party-tenant = administrador do cliente
ticket-party-owner = titular dos endereços IP
ticket-party-joined = entrou
ticket-party-until = até { $until }
ticket-party-ended = cancelado ou expirado
ticket-party-revoke = Cancelar
ticket-invite-address = Convidar o titular dos endereços IP (endereço de email)
ticket-invite-days = Validade em dias
ticket-invite = Convidar
invite-bad-address = Esse não é um endereço de email para o qual possamos enviar mensagens.
invite-bad-days = Um convite vale de 1 a 90 dias.
invite-title = Convite para um chamado
invite-unknown = Este link não é válido. Verifique se você o copiou por inteiro.
invite-used = Este link já foi usado: ele funciona uma única vez. Em vez disso, responda ao nosso email ou nos peça um novo convite.
invite-expired = Este convite expirou. Responda ao nosso email para pedir um novo.
invite-revoked = Este convite foi cancelado.
invite-no-session = Primeiro abra o link do seu email de convite; esta página só funciona no navegador em que ele foi aberto.
owner-intro = Você recebeu um convite para este chamado como { $address }, na qualidade de titular dos endereços IP do remetente. Você vê as mensagens públicas do chamado e pode responder.
owner-state = Estado do chamado: { $state }.
owner-by-mail = Você também pode responder a qualquer um dos nossos emails sobre este chamado.
mail-ticket-subject = Nova mensagem no chamado { $reference }
mail-ticket-reply-hint = Escreva sua resposta acima desta linha ou abra o chamado pelo link abaixo.
mail-ticket-intro = { $author } escreveu no chamado { $reference }:
mail-ticket-open = Chamado { $reference }:
mail-invite-subject = Convite para o chamado { $reference }
mail-invite-body = O nosso suporte pede que você, como titular de { $ip }, participe do chamado { $reference } sobre as mensagens enviadas da sua rede. Abra este link para ler o chamado e responder:
mail-invite-once = O link funciona uma única vez, no navegador em que você o abrir, e vale por { $days } dias. Você também pode responder a este email.

## O que o remetente pede ao administrador do destinatário
ask-admin-title = Peça ao administrador do destinatário para abrir um chamado
ask-admin-body = Não podemos remover este bloqueio só com a sua palavra, e só aceitamos chamados dos nossos próprios clientes: o administrador da caixa de correio para a qual você escreve é um deles. Peça a ele que abra um chamado para você; nosso suporte responde a ele e pode escrever diretamente para você.
ask-admin-step-who = Encontre o administrador do email do destinatário (o departamento de TI ou o postmaster).
ask-admin-step-send = Envie este link a ele: ele abre o formulário do chamado já preenchido com o que sabemos.
ask-admin-include = Passe a ele a mensagem de devolução completa que você recebeu, o que você encontrou, o que mudou e como falar com você.

## O console dos operadores: visão geral e log de auditoria
admin-title = Console
admin-tickets = Chamados abertos: { $open }; com resposta ainda não lida: { $unread }.
admin-audit = Cada alteração: quem a fez, de onde, o antes e o depois.
admin-listings-title = Lista de remetentes bloqueados
admin-listings = Listagens ativas: { $count }.
admin-cases-title = Casos de abuso
admin-cases = Casos abertos: { $count }.
admin-mail-title = Fila de envio
admin-mail = Emails aguardando envio: { $count }.
audit-title = Log de auditoria
audit-intro = Todas as alterações em listagens, entradas de política, denúncias, clientes, usuários, chamados e configurações de conta, das mais recentes para as mais antigas. Pesquise por quem, o quê e quando; a mesma pesquisa pode ser baixada como CSV.
audit-actor = Quem
audit-action = Ação
audit-subject = Objeto
audit-from = Do dia
audit-to = Até o dia
audit-when = Quando
audit-address = Endereço
audit-before = Antes
audit-after = Depois
audit-csv = Baixar esta pesquisa como CSV
audit-older = Registros mais antigos
audit-none = Nenhum registro corresponde aos filtros.
audit-bad-from = O primeiro dia não é uma data válida (YYYY-MM-DD).
audit-bad-to = O último dia não é uma data válida (YYYY-MM-DD).
audit-bad-before = A página não é um número de registro válido.

## O console: entradas de política
policy-title = Entradas de política
policy-intro = O que o serviço de políticas do Postfix decide além da lista de remetentes bloqueados: intervalos que nunca são bloqueados (lista de permissões), endereços de remetente recusados com 5.7.511 e remetentes nossos recusados com 5.1.8. Uma alteração entra em vigor em até um segundo e fica registrada no histórico da entrada e no log de auditoria.
policy-kind = Tipo
policy-all = Todos os tipos
policy-kind-allow = intervalo na lista de permissões
policy-kind-sender-ban = endereço de remetente bloqueado
policy-kind-restriction = remetente nosso com envio restrito
policy-key = Intervalo ou endereço
policy-key-hint = Um intervalo ou IP para a lista de permissões; user@domain ou @domain para um bloqueio; user@domain para um dos nossos remetentes.
policy-reason = Motivo (para um bloqueio)
policy-note = Nota
policy-since = Em vigor desde
policy-remove = Remover
policy-none = Nenhuma entrada.
policy-add-heading = Adicionar uma entrada
policy-add = Adicionar
policy-done-added = A entrada foi adicionada.
policy-done-removed = A entrada foi removida.
policy-bad-kind = Escolha um tipo.
policy-bad-key-allow = Isso não é um endereço IP ou intervalo válido.
policy-bad-key-sender-ban = Um bloqueio exige user@domain ou @domain.
policy-bad-key-restriction = Uma restrição exige o endereço de um dos nossos remetentes, user@domain.
policy-not-there = Essa entrada não existe.

## O console: listagens
listings-title = Listagens
listings-intro = Pesquise na lista de remetentes bloqueados: um IP encontra todas as listagens cujo intervalo o contém; ou escolha motivo, estado, origem e dias de listagem.
listings-ip = Endereço IP
listings-source = Origem
listings-bad-filter = Um filtro tem um valor que não está entre as opções, ou um dia que não é uma data válida (YYYY-MM-DD).
listings-edit = Alterar a listagem
listings-expires-hint = O último dia da listagem; deixe em branco para que ela não tenha fim.
listings-self-delist = O remetente pode removê-la por conta própria pelo portal
listings-save = Salvar
listings-delist = Remover da lista agora
listings-done-edit = A listagem foi alterada; a DNSBL e o serviço de políticas passam a responder de acordo em até um segundo.
listings-done-delist = O intervalo foi removido da lista; a DNSBL e o serviço de políticas passam a responder de acordo em até um segundo.
listings-not-active = Esta listagem já terminou; não pode mais ser alterada.
listings-bad-expiry = A data de expiração não é uma data válida (YYYY-MM-DD).
listings-expiry-past = A data de expiração precisa estar no futuro.
listing-state-active = ativa
listing-state-delisted = removida da lista
listing-state-expired = expirada
listing-source-operator = operador
listing-source-import = importação
listing-source-reports = denúncias de abuso
listing-source-trap = armadilha de spam
