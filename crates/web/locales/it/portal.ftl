# senderdesk portal — Italiano
# I segnaposto come { $ip } vengono compilati dal portale. Conservali; puoi spostarli liberamente.

## Layout
site-name = Servizi per i mittenti
skip-to-content = Vai al contenuto
nav-home = Panoramica
nav-lookup = Verifica un IP
nav-delist = Rimuovi un IP
nav-label = Principale
lang-label = Lingua
date-time = { $day } { $month } { $year }, { $time } UTC
month-1 = gennaio
month-2 = febbraio
month-3 = marzo
month-4 = aprile
month-5 = maggio
month-6 = giugno
month-7 = luglio
month-8 = agosto
month-9 = settembre
month-10 = ottobre
month-11 = novembre
month-12 = dicembre
footer-about = Queste pagine sono destinate a chiunque invii posta ai nostri utenti. Per utilizzarle non serve un account presso di noi.
footer-api = API JSON

## Panoramica
home-title = Servizi per i mittenti
home-intro = Se la posta che hai inviato ai nostri utenti è stata rifiutata, inizia da qui. Tutti i servizi riportati di seguito sono self-service e gratuiti, e nessuno richiede un account presso di noi.
home-lookup-title = Verifica un indirizzo IP
home-lookup-body = Scopri subito se un indirizzo IP è presente nella nostra lista dei mittenti bloccati, per quale motivo, da quando e se puoi rimuoverlo autonomamente.
home-delist-title = Portale di rimozione
home-delist-body = Rimuovi autonomamente il tuo indirizzo IP dalla nostra lista. La conferma avviene via email e la rimozione diventa effettiva in pochi secondi, non in ore.
home-support-title = Assistenza
home-support-body = Non accettiamo ticket direttamente dai mittenti. Se il self-service non risolve il problema, chiedi all'amministratore della casella di posta del destinatario di aprire un ticket presso di noi per tuo conto e forniscigli il messaggio di mancato recapito completo.
home-open = Apri
home-bounce-title = Leggi prima il messaggio di mancato recapito
home-bounce-body = Un rifiuto da parte nostra indica il problema e il passaggio successivo. Un codice compreso tra 5.7.606 e 5.7.611 e la dicitura «banned sending IP» indicano che l'indirizzo IP di invio è presente nella nostra lista: verificalo qui, quindi richiedine la rimozione.

## Verifica
lookup-title = Verifica un indirizzo IP
lookup-intro = Inserisci l'indirizzo IP che ha inviato la posta rifiutata. Il nostro messaggio di mancato recapito lo riporta tra parentesi quadre dopo «banned sending IP».
lookup-ip-label = Indirizzo IP
lookup-ip-hint = IPv4, ad esempio 192.0.2.1, oppure IPv6, ad esempio 2001:db8::1
lookup-submit = Verifica
lookup-not-listed = { $ip } non è presente nella nostra lista.
lookup-not-listed-next = Se i nostri server continuano a rifiutare la tua posta, il motivo è un altro. Leggi l'intero messaggio di mancato recapito: indica il problema.
lookup-listed = { $ip } è presente nella nostra lista.
lookup-range = Intervallo inserito nella lista
lookup-reason = Motivo
lookup-note = La nostra nota su questo inserimento
untranslated-english = (I nostri operatori hanno scritto questo testo solo in inglese.)
lookup-code = Codice nel messaggio di mancato recapito
lookup-since = Nella lista dal
lookup-expires = Scadenza
lookup-expires-never = Nessuna scadenza automatica: resta nella lista finché non viene rimosso
lookup-removable = Rimozione
lookup-removable-yes = Puoi rimuoverlo autonomamente tramite il portale di rimozione.
lookup-removable-no = Non puoi rimuoverlo autonomamente. Chiedi all'amministratore della casella di posta del destinatario di aprire un ticket presso di noi per tuo conto.
lookup-removable-range = È inserito nella lista come parte di un intervallo più ampio, che può essere rimosso solo dalla nostra assistenza. Chiedi all'amministratore della casella di posta del destinatario di aprire un ticket presso di noi per tuo conto.
lookup-delist = Richiedi la rimozione
bad-ip = «{ $value }» non è un indirizzo IP. Inserisci un indirizzo IPv4 come 192.0.2.1 oppure un indirizzo IPv6 come 2001:db8::1.

## Motivi (le parole dei motivi predefiniti; un motivo a cui la configurazione dà parole proprie mostra quelle, e il testo proprio di un inserimento compare accanto al motivo, mai al suo posto)
reason-manual = Inserito nella lista dai nostri postmaster in seguito ad abusi provenienti da questo indirizzo IP.
reason-complaints = I nostri utenti hanno segnalato come posta indesiderata i messaggi provenienti da questo indirizzo IP.
reason-spamtrap = I messaggi provenienti da questo indirizzo IP hanno raggiunto indirizzi trappola (spam trap), per i quali nessuno ha mai chiesto di ricevere posta.
reason-compromised = Questo indirizzo IP mostra segni di un computer compromesso, di una botnet o di un proxy aperto.
reason-policy = Questo indirizzo IP appartiene a un intervallo che non dovrebbe inviare posta direttamente, ad esempio un intervallo dinamico o destinato agli utenti finali.
reason-hard = Inserito nella lista per abusi gravi o ripetuti; non può essere rimosso tramite il portale.

## Modulo di rimozione
delist-title = Rimuovi un indirizzo IP
delist-intro = Inviamo un link di conferma al tuo indirizzo email. Aprilo entro { $minutes } minuti e conferma: l'indirizzo IP verrà rimosso immediatamente dalla nostra lista.
delist-email-label = Il tuo indirizzo email
delist-email-hint = A questo indirizzo invieremo il link di conferma e nient'altro.
delist-ip-label = Indirizzo IP da rimuovere
delist-honeypot-label = Lascia vuoto questo campo
delist-submit = Invia il link di conferma
delist-pow-working = Verifica del browser prima dell'invio…
delist-pow-note = Prima dell'invio, il browser esegue un breve calcolo (meno di un secondo) per impedire ai robot di sommergere di richieste questo modulo. Il modulo funziona anche senza JavaScript.
delist-terms = Puoi rimuovere autonomamente un indirizzo IP al massimo { $max } volte in { $days } giorni. Superato questo limite, o per gli inserimenti contrassegnati come non rimovibili autonomamente, solo la nostra assistenza può rimuoverlo.

## Rimozione: link inviato
sent-title = Controlla la tua casella di posta
sent-body = Se { $ip } può essere rimosso, è in arrivo un link di conferma all'indirizzo { $email }. Il link funziona una sola volta ed è valido per { $minutes } minuti.
sent-reference = Il codice di riferimento della tua richiesta è { $reference }. Conservalo: la pagina di stato mostra a che punto è la richiesta e indica anche se il nostro messaggio è stato recapitato.
sent-status = Visualizza lo stato della richiesta
sent-retrying = Il nostro server di posta non ha ancora accettato il messaggio. Continueremo a riprovare fino alla scadenza del link; la pagina di stato indica quando viene inviato.
sent-no-mail = Non è arrivato nulla? Controlla la cartella della posta indesiderata e verifica che l'indirizzo sia scritto correttamente. Puoi richiedere un nuovo link in qualsiasi momento.

## Rimozione: rifiuti e limiti
refused-title = Rimozione self-service non disponibile
refused-not-listed = { $ip } non è presente nella nostra lista, quindi non c'è nulla da rimuovere. Se i nostri server continuano a rifiutare la tua posta, leggi l'intero messaggio di mancato recapito: indica il problema.
refused-not-self-removable = { $ip } è inserito nella lista per un motivo che non consente la rimozione tramite il portale.
refused-range = { $ip } è inserito nella lista come parte di un intervallo più ampio. Gli intervalli possono essere rimossi solo dalla nostra assistenza.
refused-too-many = { $ip } è già stato rimosso tramite il portale { $max } volte negli ultimi { $days } giorni. Ogni volta è stato inserito di nuovo nella lista, quindi il problema che lo causa non è ancora risolto.
refused-escalate = Cosa puoi fare: prima elimina la causa, quindi chiedi all'amministratore della casella di posta del destinatario di aprire un ticket presso di noi per tuo conto. Forniscigli l'indirizzo IP, il messaggio di mancato recapito completo e le modifiche che hai apportato.
limit-title = Troppe richieste
limit-email = Di recente sono state inviate troppe richieste di rimozione per questo indirizzo email. Attendi un giorno e, se è ancora valido, usa il link che hai già ricevuto.
limit-client = Di recente sono state inviate troppe richieste di rimozione dalla tua rete. Riprova domani.
limit-listed-ip = Di recente sono state inviate troppe richieste di rimozione per { $ip }. Usa il link già inviato o riprova domani.
limit-flood = Troppe richieste in poco tempo. Attendi un minuto e riprova.
limit-mails = In questo momento il modulo sta inviando un numero insolito di email di conferma, quindi è sospeso per un po': la pausa impedisce a chiunque di usarlo per inondare le caselle di posta. Il tuo indirizzo non è stato usato. Riprova tra un'ora.
bad-email = «{ $value }» non è un indirizzo email a cui possiamo inviare messaggi. Inserisci un indirizzo semplice, ad esempio postmaster@example.net.
bad-proof = La verifica del browser non è riuscita o è scaduta. Ricarica la pagina e invia di nuovo il modulo.
form-problem = Correggi quanto segue:

## Rimozione: pagina di conferma
confirm-title = Conferma la rimozione di { $ip }
confirm-status = Stato attuale
confirm-listed = { $ip } è presente nella nostra lista.
confirm-responsibility-title = La tua responsabilità
confirm-responsibility = Rimuovendo questo indirizzo IP confermi di aver eliminato la causa dell'inserimento nella lista e ti impegni a fare in modo che la posta inviata in futuro da questo indirizzo IP non sia abusiva o dannosa. In caso contrario, l'indirizzo verrà inserito di nuovo nella lista e la rimozione self-service potrebbe non essere più disponibile.
confirm-button = Rimuovi l'IP
confirm-expired = Questo link è scaduto. I link sono validi per { $minutes } minuti. Richiedine uno nuovo.
confirm-used = Questo link è già stato utilizzato. Ogni link funziona una sola volta.
confirm-unknown = Questo link non è valido. Verifica di aver copiato il link completo dal messaggio oppure richiedine uno nuovo.
confirm-new-link = Richiedi un nuovo link

## Rimozione: completata
done-title = { $ip } è stato rimosso
done-body = { $ip } è stato rimosso dalla nostra lista il { $time }. I nostri server di posta e la nostra lista DNS hanno smesso di rifiutarlo nel giro di pochi secondi.
done-reference = Il codice di riferimento della tua richiesta è { $reference }. Stiamo inviando una conferma all'indirizzo { $email }.
done-caches = I server di altri provider potrebbero conservare in memoria la nostra risposta DNS per un massimo di { $minutes } minuti.
done-advice = Per non tornare nella lista: invia solo la posta che i destinatari hanno richiesto, rimuovi gli indirizzi che generano messaggi di mancato recapito e rendi semplice l'annullamento dell'iscrizione.

## Pagina di stato
status-title = Richiesta di rimozione { $reference }
status-ip = Indirizzo IP
status-state = Stato
status-created = Data della richiesta
status-completed = Data di completamento
status-mail = Email di conferma
state-pending = In attesa di conferma tramite il link inviato via email
state-expired = Scaduta: il link non è stato utilizzato in tempo
state-delisted = IP rimosso dalla lista
state-refused = Rifiutata
mail-queued = Invio in corso
mail-sent = Accettata dal nostro server di posta per il recapito
mail-outbox = Scritta nella posta in uscita dell'operatore (questa installazione non dispone di un relay di posta)
mail-retrying = Non ancora recapitata; continuiamo a riprovare
mail-failed = Impossibile recapitarla; richiedi un nuovo link
status-unknown = Non esiste alcuna richiesta con il codice di riferimento { $reference }. I codici di riferimento hanno un formato simile a DL-7KQ2-M9XD.

## Errori
error-title = Si è verificato un errore
error-not-found = Non esiste alcuna pagina a questo indirizzo.
error-internal = Non è stato possibile completare la richiesta a causa di un problema da parte nostra. Non è stato modificato nulla. Riprova tra qualche minuto.
error-forbidden = Questo modulo è stato inviato da un altro sito web, quindi non è stato accettato. Apri il modulo sul nostro sito e invialo di nuovo.
error-too-large = La richiesta è troppo grande.
error-too-large-limit = Questa pagina accetta al massimo { $size }. Invia un testo più breve o un file più piccolo.
error-timeout = L'elaborazione della richiesta è durata troppo ed è stata interrotta. Potrebbe non essere stata completata: riprova tra qualche minuto.
error-unreadable = Non è stato possibile leggere la richiesta. Torna al modulo, controlla i dati inseriti e invialo di nuovo.
error-cross-site-api = Le richieste provenienti dalle pagine di un altro sito web non sono accettate. Chiama questa API dal tuo server, non da un browser su un altro sito.
error-unavailable = Al momento non è possibile consultare la lista. Riprova tra qualche minuto.
api-ip-required = Indica un indirizzo IP con ?ip= e, se vuoi, un dominio con &domain=.
api-no-code = Il testo non contiene alcun codice di stato esteso (come 5.7.606). Passa l'intero messaggio di mancato recapito con ?text=.
api-token-required = È richiesto un bearer token valido.
api-report-empty = Il corpo della richiesta deve essere il messaggio segnalato (message/rfc822).
home-link = Torna alla panoramica

## Email: link di conferma
mail-verify-subject = Conferma la rimozione di { $ip } dalla nostra lista
mail-verify-greeting = Salve,
mail-verify-body = Qualcuno, probabilmente tu, ha chiesto di rimuovere { $ip } dalla nostra lista dei mittenti bloccati. Per confermare, apri questo link entro { $minutes } minuti:
mail-verify-ignore = Se non hai fatto tu questa richiesta, ignora questo messaggio: senza il link non cambia nulla.
mail-verify-reference = Codice di riferimento della richiesta: { $reference }
mail-signature = Servizi per i mittenti

## Email: rimozione confermata
mail-done-subject = { $ip } è stato rimosso dalla nostra lista
mail-done-body = { $ip } è stato rimosso dalla nostra lista dei mittenti bloccati il { $time } tramite il portale di rimozione.
mail-done-status = Puoi controllare lo stato in qualsiasi momento: { $url }

## Segnalazione di posta indesiderata
nav-report = Segnala spam
home-report-title = Segnala posta indesiderata
home-report-body = Hai ricevuto posta indesiderata inviata tramite la nostra piattaforma? Segnalala con le intestazioni complete: il nostro team antiabuso la ricollega al mittente e ferma chi ripete l'abuso.
report-title = Segnala posta indesiderata inviata tramite la nostra piattaforma
report-intro = Incolla il messaggio indesiderato con tutte le intestazioni oppure caricalo come file .eml. Senza le intestazioni non possiamo sapere chi l'ha inviato. I provider di posta e i feedback loop possono inviare segnalazioni anche a { $address }, come allegati o in formato ARF.
report-howto = Come ottenere il messaggio completo: in Outlook, apri il messaggio e scegli File, Salva con nome, oppure inoltralo come allegato; in Gmail, scegli Mostra originale; in Thunderbird, scegli Visualizza, Sorgente messaggio.
report-message-label = Il messaggio, con tutte le intestazioni
report-file-label = Oppure carica il messaggio (.eml)
report-email-label = Il tuo indirizzo email (facoltativo)
report-email-hint = Solo per farti una domanda su questa segnalazione, se necessario.
report-submit = Invia la segnalazione
report-empty = Incolla il messaggio o scegli un file.
report-not-mail = Questo non sembra un messaggio di posta con intestazioni: { $why }. Incolla l'intero messaggio, a partire dalla prima riga di intestazione (ad esempio Received: o Return-Path:).
report-not-mail-no-header-block = non è stato possibile leggere alcuna intestazione
report-not-mail-empty-first-line = inizia con una riga vuota invece che con un'intestazione
report-not-mail-first-line-not-header = la prima riga non è un campo di intestazione
report-not-mail-other = non è stato possibile leggerlo come tale
report-too-large = Il messaggio è più grande di { $size } byte.
report-thanks-title = Grazie
report-thanks = La tua segnalazione è stata registrata con il numero { $submission }. Messaggi segnalati: { $count }.
report-reviewed = Le segnalazioni inviate con questo modulo vengono lette da una persona del nostro team antiabuso prima di qualsiasi intervento: chiunque può compilare un modulo, quindi nessun mittente viene bloccato sulla sola base di un modulo.
report-thanks-duplicate = Avevamo già ricevuto da te una segnalazione di questo messaggio; viene registrata una sola volta.
report-not-ours = Il messaggio segnalato non sembra essere stato inviato tramite la nostra piattaforma, quindi non possiamo intervenire sul mittente. Segnalalo al provider da cui proviene.
report-unavailable = Al momento non possiamo registrare le segnalazioni. Riprova tra qualche minuto.

## Self-service: navigazione e panoramica
nav-ndr = Analizza un mancato recapito
nav-diagnose = Verifica la configurazione
nav-help = Guida
nav-support = Assistenza
home-ndr-title = Analizza un messaggio di mancato recapito
home-ndr-body = Incolla il messaggio di rifiuto che hai ricevuto. Individuiamo i codici e l'indirizzo IP che contiene e ti spieghiamo cosa significa ciascuno, a chi spetta intervenire e quali sono i passaggi successivi.
home-ndr-open = Analizza il mio messaggio
home-diagnose-title = Verifica la configurazione
home-diagnose-body = Verifica un indirizzo IP di invio e un dominio così come li vedono i server riceventi: la nostra lista, il DNS inverso, SPF, DMARC e MX, ciascuno con i relativi consigli.
home-help-title = Guida per i mittenti
home-help-body = I nostri requisiti per i mittenti, il funzionamento dei nostri filtri e dell'autenticazione, guide passo passo e risposte alle domande più frequenti.

## Analisi dei messaggi di mancato recapito
ndr-title = Analizza un messaggio di mancato recapito
ndr-intro = Incolla il messaggio di mancato recapito (NDR) che hai ricevuto oppure solo la riga con la risposta del server. Ne leggiamo i codici di stato e l'indirizzo IP e te li spieghiamo.
ndr-text-label = Il messaggio di mancato recapito o la risposta SMTP
ndr-text-hint = Ad esempio: 550 5.7.606 Access denied, banned sending IP [192.0.2.7]. Puoi incollare anche il messaggio completo; vengono letti solo i primi 64 KiB.
ndr-submit = Analizza
ndr-no-code = In questo testo non è stato trovato alcun codice di stato come 5.7.606 o 4.7.500. Incolla l'intero messaggio di mancato recapito, compresa la riga con la risposta del server, che di solito inizia con un numero di tre cifre come 550.
ndr-ip-not-listed = { $ip } non è presente nella nostra lista.
ndr-ip-not-listed-next = Se questo messaggio di mancato recapito proviene da un altro provider, segui le istruzioni che contiene: il nostro portale di rimozione rimuove gli indirizzi solo dalla nostra lista.
ndr-ours = Nella nostra lista, questo codice significa: { $reason }
ndr-whose-move = A chi spetta intervenire:
ndr-steps = Cosa fare
ndr-owner-sender = al mittente (la persona che ha inviato il messaggio).
ndr-owner-sender-admin = all'amministratore del sistema di posta del mittente.
ndr-owner-recipient-admin = all'amministratore del sistema di posta del destinatario.
ndr-owner-depends = dipende dal testo che segue il codice.
ndr-link-lookup = Verifica un indirizzo IP nella nostra lista
ndr-link-lookup-ip = Verifica { $ip } nella nostra lista
ndr-link-delist = Richiedi la rimozione dalla nostra lista
ndr-link-delist-ip = Richiedi la rimozione di { $ip }
ndr-link-diagnose = Verifica la configurazione
ndr-link-diagnose-ip = Verifica la configurazione di { $ip }
ndr-link-support = Come contattare la nostra assistenza
ndr-link-support-ip = Come contattare la nostra assistenza
ndr-link-help = Guida: { $title }

## Diagnostica del mittente
diag-title = Verifica la configurazione
diag-intro = Verifica un indirizzo IP di invio e, facoltativamente, il dominio da cui invii, così come li vedono i server riceventi. Per ogni controllo viene indicato l'esito (superato, avviso o non superato) e cosa fare.
diag-ip-label = Indirizzo IP di invio
diag-domain-label = Dominio da cui invii (facoltativo)
diag-domain-hint = Il dominio che segue la @ nel tuo indirizzo mittente, ad esempio example.com. È necessario per i controlli SPF, DMARC e MX.
diag-submit = Verifica
diag-results = Risultati per { $ip }
diag-summary = Controlli superati: { $passed }; con avvisi: { $warned }; non superati: { $failed }.
diag-no-domain = Inserisci il dominio da cui invii per verificare anche SPF, DMARC e MX.
diag-bad-domain = «{ $value }» non è un nome di dominio. Inserisci un nome come example.com, senza @ né http://.
diag-refused-ip-not-global = { $value } non è un indirizzo Internet globale: è privato, di loopback, link-local, riservato o destinato alla documentazione. La posta su Internet parte da indirizzi globali, quindi qui non c'è nulla da verificare. Inserisci l'indirizzo pubblico da cui invia il tuo server.
diag-refused-name-not-public = { $value } non è un nome di dominio pubblico: è un nome per usi speciali o interno (come .local, .test o .internal). Inserisci il dominio pubblico da cui invii la posta.
diag-busy = In questo momento sono in corso molte diagnosi. Riprova tra qualche secondo.
diag-status-pass = Superato
diag-status-warn = Avviso
diag-status-fail = Non superato
diag-check-listed = La nostra lista dei mittenti bloccati
diag-check-ptr = DNS inverso (PTR)
diag-check-fcrdns = DNS inverso con conferma diretta (FCrDNS)
diag-check-spf = SPF
diag-check-dmarc = DMARC
diag-check-mx = Record MX
diag-listed-no = { $ip } non è presente nella nostra lista.
diag-listed-yes = { $ip } è presente nella nostra lista ({ $code }): { $reason } Puoi richiederne la rimozione dopo averne eliminato la causa.
diag-listed-support = { $ip } è presente nella nostra lista ({ $code }): { $reason } Non può essere rimosso tramite il self-service; consulta la pagina dell'assistenza.
diag-ptr-found = L'indirizzo IP ha un record PTR: { $name }.
diag-ptr-generic = Il nome PTR { $name } sembra uno di quelli assegnati alle connessioni domestiche o dinamiche. Chiedi al titolare dell'indirizzo IP di impostare come nome PTR il nome host del tuo server di posta, ad esempio mail.example.com.
diag-ptr-missing = { $ip } non ha un record PTR. Molti server riceventi rifiutano la posta proveniente da indirizzi privi di DNS inverso. Chiedi a chi gestisce l'indirizzo IP (il tuo provider di hosting o di rete) di impostarne uno.
diag-fcrdns-pass = { $name } viene risolto in { $ip }: il DNS inverso è confermato dal DNS diretto.
diag-fcrdns-fail = Nessuno dei nomi PTR ({ $name }) viene risolto in { $ip }. Aggiungi per il nome un record A o AAAA che punti all'indirizzo IP.
diag-fcrdns-no-ptr = Impossibile effettuare la conferma senza un record PTR.
diag-spf-pass = Il record SPF di { $domain } autorizza { $ip }.
diag-spf-fail = Il record SPF di { $domain } non autorizza { $ip } e chiede ai server riceventi di rifiutare questa posta. Aggiungi al record l'indirizzo IP oppure l'include del tuo servizio di invio.
diag-spf-softfail = Il record SPF di { $domain } non autorizza { $ip } (~all, soft fail). I server riceventi tratteranno questa posta con sospetto; aggiungi l'indirizzo IP al record.
diag-spf-neutral = Il record SPF di { $domain } non si esprime su { $ip } (?all). Aggiungi l'indirizzo IP al record e terminalo con -all o ~all.
diag-spf-none = { $domain } non ha un record SPF. Pubblicane uno che elenchi tutti i server che inviano posta per il dominio, ad esempio «v=spf1 ip4:{ $ip } -all».
diag-spf-permerror = Il record SPF di { $domain } non è valido (errore di sintassi, più di un record o più di 10 ricerche DNS), quindi i server riceventi lo trattano come un errore. Correggi il record.
diag-dmarc-enforced = { $domain } pubblica una policy DMARC p={ $policy }.
diag-dmarc-none = { $domain } pubblica un record DMARC con p=none: i server riceventi si limitano a inviare report, senza applicare alcuna misura. Passa a quarantine o reject quando i report mostrano che tutta la tua posta supera il controllo.
diag-dmarc-missing = { $domain } non ha un record DMARC. Pubblicane uno in _dmarc.{ $domain }, iniziando con «v=DMARC1; p=none» e un indirizzo rua= a cui inviare i report.
diag-dmarc-invalid = Il record DMARC di { $domain } non è valido ({ $problem }). I server riceventi lo ignorano: correggilo.
diag-mx-found = { $domain } riceve la posta su: { $hosts }.
diag-mx-missing = { $domain } non ha un record MX. I messaggi di mancato recapito e le risposte alla tua posta potrebbero non raggiungerti, e alcuni server riceventi rifiutano i mittenti il cui dominio non può ricevere posta. Pubblica un record MX.
diag-mx-null = { $domain } pubblica un null MX (non riceve posta). I server riceventi rifiutano la posta proveniente da domini di questo tipo, perché le risposte non potrebbero mai arrivare. Invia da un dominio che riceve posta.
diag-dns-error = La ricerca DNS non è riuscita, quindi non è stato possibile eseguire questo controllo: { $error }. Riprova più tardi; se l'errore persiste, i name server del dominio potrebbero non essere raggiungibili.
diag-problem-several-records = esiste più di un record DMARC
diag-problem-unknown-policy = policy sconosciuta p={ $policy }
diag-problem-no-policy = manca il tag p=
diag-error-timeout = nessuna risposta entro il tempo previsto
diag-error-failed = i name server non hanno dato una risposta utilizzabile
diag-error-spf-timeout = la valutazione SPF non si è conclusa in tempo
diag-error-spf-temperror = una ricerca DNS durante la valutazione SPF non è riuscita
diag-api-title-refused = Questo indirizzo o dominio non viene analizzato
diag-api-title-busy = Sono in corso troppe diagnosi

## Pagine della guida e assistenza
help-title = Guida per i mittenti
help-intro = Le nostre policy e i nostri requisiti per i mittenti, il funzionamento dei nostri filtri e dell'autenticazione e guide per risolvere i problemi più comuni.
help-tools-title = Strumenti self-service
help-breadcrumb = Ti trovi qui
help-more = Altre pagine della guida
help-not-translated = Questa pagina non è ancora disponibile nella tua lingua e viene mostrata nella lingua in cui è stata scritta.
support-title = Assistenza
support-intro = Nella maggior parte dei casi il modo più rapido per risolvere un problema è il self-service, che funziona subito e a qualsiasi ora. Se non basta, c'è comunque un modo per contattarci.
support-selfhelp-title = Inizia da qui
support-escalate-title = Quando il self-service non basta
support-escalate-body = Non accettiamo ticket direttamente dai mittenti, perché tramite un modulo web non possiamo verificare chi è il titolare di un indirizzo IP o di un dominio. Un nostro cliente invece può farlo e si fa garante della richiesta: chiedi all'amministratore di un destinatario che devi raggiungere di aprire un ticket presso di noi per tuo conto. La nostra assistenza potrà quindi contattare direttamente te o il titolare dello spazio di indirizzi IP.
support-step-fix = Per prima cosa elimina la causa e annota le modifiche che hai apportato.
support-step-ask = Chiedi all'amministratore del sistema di posta del destinatario, per telefono o da un altro indirizzo, di aprire per tuo conto un ticket presso la nostra assistenza.
support-step-we = Esaminiamo il caso e rispondiamo all'amministratore che ha aperto il ticket; se necessario, contattiamo il titolare dello spazio di indirizzi IP.
support-include-title = Cosa deve contenere il ticket
support-include-bounce = Il messaggio di mancato recapito completo, compresa la riga con il codice di stato (ad esempio 550 5.7.606).
support-include-ips = Gli indirizzi IP di invio.
support-include-domains = I domini da cui invii.
support-include-cause = La causa del problema e le modifiche apportate per risolverlo, con le relative date.
support-include-contact = Un referente tecnico per il tuo sistema di posta.
support-no-self-tickets = Perché lo chiediamo: un ticket aperto da un nostro cliente ci conferma che la posta è desiderata, e per noi questo è l'elemento più importante.

# The notice to a tenant's contact when one of its senders is restricted.
mail-restricted-subject = Invio limitato per { $sender } dopo { $count } reclami (pratica n. { $case })
mail-restricted-body = Il nostro team antiabuso ha ricevuto { $count } reclami in { $window } relativi a messaggi inviati tramite la nostra piattaforma da { $sender } ({ $tenant }).
mail-restricted-effect = La posta in uscita da { $sender } viene ora rifiutata con «550 5.1.8 Access denied, bad outbound sender» finché il nostro team antiabuso non rimuove la limitazione. Nessun altro servizio di { $tenant } è interessato.
mail-restricted-todo = Cosa fare:
mail-restricted-step-account = Verifica se l'account è stato compromesso: cambiane la password e controlla gli accessi che non riconosci.
mail-restricted-step-consent = Se i messaggi sono stati inviati intenzionalmente, verifica che ogni destinatario li abbia richiesti, che l'annullamento dell'iscrizione richieda un solo clic e che gli indirizzi che generano messaggi di mancato recapito vengano rimossi.
mail-restricted-step-reply = Rispondi a questo messaggio indicando che cosa hai trovato e modificato, citando la pratica n. { $case }: rimuoviamo la limitazione non appena la causa è risolta.
mail-restricted-case = Pratica: n. { $case }

## Accounts: the set-password link and its page
account-role-admin = amministratore
account-role-agent = operatore (assistenza e gestione abusi)
account-role-tenant-admin = amministratore del cliente
mail-account-set-subject = Il tuo account: scegli una password
mail-account-reset-subject = Il tuo account: scegli una nuova password
mail-account-set-body = È stato creato un account per { $email } con il ruolo { $role }. Per scegliere la tua password, apri questo link entro { $hours } ore:
mail-account-reset-body = È stata chiesta una nuova password per l'account { $email }. Per sceglierla, apri questo link entro { $hours } ore:
mail-account-once = Il link funziona una sola volta. Se non aspettavi questo messaggio, ignoralo: non cambia nulla finché il link non viene usato.
account-password-title = Scegli la tua password
account-password-intro = Per l'account { $email }.
account-password-hint = Almeno { $min } caratteri. Alcune parole senza legame tra loro formano una password robusta e facile da ricordare.
account-password-label = Nuova password
account-password-confirm-label = Ripeti la password
account-password-submit = Imposta la password
account-password-mismatch = Le due password sono diverse: scrivi la stessa password in entrambi i campi.
account-password-too-short = La password ha { $chars } caratteri; ne servono almeno { $min }.
account-password-too-long = La password ha { $chars } caratteri; ne sono ammessi al massimo { $max }.
account-password-done-title = Password impostata
account-password-done = La password per { $email } è impostata. Questo link non può più essere usato.
account-link-title = Questo link non si può usare
account-link-unknown = Questo link non è valido. Controlla di averlo copiato per intero, oppure chiedine uno nuovo a un amministratore.
account-link-used = Questo link è già stato usato: ogni link funziona una sola volta. Se ti serve una nuova password, chiedi un nuovo link a un amministratore.
account-link-expired = Questo link è scaduto. Chiedine uno nuovo a un amministratore.
account-link-disabled = Questo account è disattivato. Se pensi che sia un errore, rivolgiti a un amministratore.

## Accesso e pagina dell'account
footer-staff = Accesso per il personale e i clienti
error-no-role = Il ruolo del tuo account non consente di accedere a questa pagina. Se ti serve, chiedi a un amministratore.
signin-title = Accedi
signin-intro = Per il nostro personale: il team antiabuso, l'assistenza e gli amministratori dei nostri clienti.
signin-email = Indirizzo email
signin-password = Password
signin-submit = Accedi
signin-forgot = Hai dimenticato la password? Chiedi a un amministratore di inviarti un nuovo link via email.
signin-wrong = L'indirizzo email o la password non sono corretti.
signin-disabled = Questo account è disattivato. Se pensi che sia un errore, rivolgiti a un amministratore.
signin-wait = Troppi tentativi non riusciti. Riprova tra { $seconds } secondi.
signin-signed-out = Disconnessione effettuata.
signin-code-title = Inserisci il codice
signin-code-intro = Apri l'app di autenticazione e inserisci il codice di sei cifre che mostra per questo sito, oppure uno dei tuoi codici di recupero.
signin-code-label = Codice
signin-code-hint = Sei cifre, oppure un codice di recupero come 3f9a-0c21-77de.
signin-code-submit = Continua
signin-code-wrong = Il codice non è corretto oppure è già stato usato. Inserisci il codice che l'app mostra in questo momento.
signin-cancel = Annulla ed esci
signout-submit = Esci
account-title = Il tuo account
account-who = Accesso effettuato come { $email }, { $role }.
account-tenant = Cliente: { $tenant }.
account-done-password = La password è stata cambiata. Le altre sessioni sono state disconnesse.
account-done-sessions = Le sessioni sono state disconnesse.
account-done-totp-off = L'accesso in due passaggi è disattivato.
account-done-policy = La regola per l'accesso in due passaggi è stata salvata.
account-totp-demanded = Gli amministratori richiedono l'accesso in due passaggi per il tuo ruolo. Attivalo qui sotto per continuare.
account-totp-heading = Accesso in due passaggi
account-totp-on = L'accesso in due passaggi è attivo. Codici di recupero rimasti: { $left }.
account-totp-off = L'accesso in due passaggi non è attivo. Se lo attivi, per accedere servirà anche un codice generato da un'app di autenticazione sul tuo telefono.
account-totp-enable = Attiva l'accesso in due passaggi
account-totp-disable = Disattiva l'accesso in due passaggi
account-totp-required = Gli amministratori richiedono l'accesso in due passaggi per il tuo ruolo, quindi resta attivo.
account-totp-required-cannot-disable = Gli amministratori richiedono l'accesso in due passaggi per il tuo ruolo: non può essere disattivato.
account-codes-new = Genera nuovi codici di recupero
account-current-password = La tua password attuale
account-current-wrong = La password attuale non è corretta.
account-password-heading = Password
account-password-change = Cambia la password
account-sessions-heading = Dove hai effettuato l'accesso
account-session-started = Accesso
account-session-seen = Ultima attività
account-session-address = Indirizzo
account-session-browser = Browser
account-session-this = Questo browser
account-session-end = Disconnetti
account-sessions-end-others = Disconnetti tutte le altre sessioni
account-sessions-end-all = Disconnetti tutte le sessioni
account-policy-heading = Regola per amministratori e operatori
account-policy-on = Amministratori e operatori devono usare l'accesso in due passaggi.
account-policy-off = Amministratori e operatori possono accedere anche solo con la password.
account-policy-turn-on = Richiedi l'accesso in due passaggi per amministratori e operatori
account-policy-turn-off = Non richiedere più l'accesso in due passaggi
account-totp-setup-title = Configura l'accesso in due passaggi
account-totp-step-scan = Scansiona questo codice con un'app di autenticazione (ad esempio FreeOTP, Aegis o Google Authenticator) oppure inserisci nell'app la chiave qui sotto.
account-totp-step-type = Inserisci il codice di sei cifre che l'app mostra a quel punto, per verificare che funzioni.
account-totp-qr-label = Codice QR da scansionare con un'app di autenticazione
account-totp-secret = Chiave:
account-totp-confirm = Attiva
account-totp-code-wrong = Il codice non è corretto. Verifica che l'ora del telefono sia esatta e inserisci il codice che l'app mostra in questo momento.
account-back = Torna al tuo account
account-codes-title = I tuoi codici di recupero
account-totp-now-on = L'accesso in due passaggi è attivo.
account-codes-intro = Conserva questi codici in un luogo sicuro, lontano dal telefono. Se perdi il telefono, ciascun codice può sostituire una sola volta un codice dell'app. Vengono mostrati solo ora; i codici precedenti non funzionano più.
account-codes-done = Li ho salvati

## Amministratori: gli account del nostro personale
users-title = Persone e ruoli
users-intro = Tutte le persone che possono accedere qui. Una persona nuova riceve un'email con un link monouso per scegliere la password; lo stesso succede a chi ha la password reimpostata.
users-role = Ruolo
users-tenant = Cliente
users-tenant-hint = Solo per un amministratore del cliente, che non vede nulla degli altri clienti.
users-state = Stato
users-added = Aggiunto il
users-state-active = attivo
users-state-waiting = in attesa della password
users-state-disabled = disattivato
users-reset = Invia un nuovo link
users-disable = Disattiva
users-add-heading = Aggiungi una persona
users-lang = Lingua dell'email
users-add = Aggiungi e invia il link
users-done-added = Account { $email } aggiunto: è in arrivo un link per scegliere la password.
users-done-disabled = L'account { $email } è disattivato: l'account, le sue sessioni e i suoi link non funzionano più.
users-done-reset = È in arrivo a { $email } un nuovo link per scegliere la password.
users-bad-email = Questo non è un indirizzo email.
users-bad-role = Scegli uno dei ruoli.
users-missing = { $what } non esiste.
users-needs-tenant = Un amministratore del cliente ha bisogno di un cliente: scegline uno.
users-tenant-for-role = Solo un amministratore del cliente appartiene a un cliente; per questo ruolo lascia vuoto il cliente.
users-unknown-tenant = Non esiste un cliente { $tenant }.
users-exists = Esiste già un account { $email }.
users-not-yourself = Qui non puoi disattivare il tuo account; chiedi a un altro amministratore.

## Ticket di assistenza
tickets-title = Ticket di assistenza
tickets-state = Stato
tickets-active = Non risolti né chiusi
tickets-reason = Motivo
tickets-assignee = Assegnato a
tickets-anyone = Chiunque
tickets-me = Me
tickets-nobody = Nessuno
tickets-older = Aperti da più di (giorni)
tickets-unread = Solo con una nuova risposta
tickets-search = Cerca
tickets-filter = Mostra
tickets-reference = Ticket
tickets-sender = Mittente
tickets-opened = Aperto il
tickets-updated = Ultima modifica
tickets-new-reply = nuova risposta
tickets-none = Nessun ticket corrisponde ai criteri.
tickets-back = Tutti i ticket
ticket-state-new = nuovo
ticket-state-open = aperto
ticket-state-waiting-sender = in attesa del mittente
ticket-state-waiting-tenant = in attesa del cliente
ticket-state-resolved = risolto
ticket-state-closed = chiuso
ticket-new-title = Apri un ticket per un mittente
ticket-new-intro = Per un mittente di cui rifiutiamo la posta destinata ai tuoi utenti, quando i passaggi che il mittente ha svolto da sé non sono bastati. Indica l'indirizzo IP di invio o il dominio di invio (o entrambi), come contattare il mittente e il messaggio di mancato recapito che ha ricevuto.
ticket-ip = Indirizzo IP o intervallo di invio
ticket-ip-hint = Come riportato nel messaggio di mancato recapito, ad esempio 192.0.2.7.
ticket-domain = Dominio di invio
ticket-contact = Indirizzo di contatto del mittente
ticket-contact-hint = Di solito il suo indirizzo postmaster o abuse. Potremmo scrivergli direttamente.
ticket-bounce = Il messaggio di mancato recapito
ticket-bounce-hint = Incolla l'intero messaggio di mancato recapito, o almeno la riga con il codice di stato (ad esempio 550 5.7.611).
ticket-description = Cosa è successo e cosa ha già provato il mittente
ticket-open = Apri il ticket
ticket-bad-ip = L'indirizzo IP o l'intervallo non è valido.
ticket-bad-domain = Il dominio di invio non è un nome di dominio valido.
ticket-need-sender = Indica l'indirizzo IP di invio o il dominio di invio.
ticket-bad-contact = L'indirizzo di contatto del mittente non è un indirizzo email.
ticket-need-bounce = Incolla il messaggio di mancato recapito ricevuto dal mittente.
ticket-bounce-too-long = Il messaggio di mancato recapito è troppo lungo; incolla al massimo { $max } caratteri.
ticket-need-description = Descrivi cosa è successo.
ticket-description-too-long = Il testo è troppo lungo; al massimo { $max } caratteri.
ticket-need-message = Il messaggio è vuoto.
ticket-title = Ticket { $reference }
ticket-summary = { $state } · cliente { $tenant } · aperto da { $opener } il { $opened }
ticket-opened = Il ticket { $reference } è aperto. La nostra assistenza risponderà qui e via email.
ticket-done-reply = La risposta è stata inviata.
ticket-done-note = La nota è stata aggiunta; la vedono solo gli operatori.
ticket-done-state = Lo stato è stato cambiato.
ticket-done-assign = L'assegnazione è stata cambiata.
ticket-done-act = Fatto: l'azione è registrata nella cronologia del ticket e nel registro di controllo.
ticket-sender-heading = Il mittente
ticket-thread = Messaggi
ticket-internal = nota interna
ticket-by-mail = via email
ticket-reply = Risposta
ticket-then = Poi il ticket è
ticket-send = Invia la risposta
ticket-note = Nota interna (la vedono solo gli operatori)
ticket-add-note = Aggiungi la nota
ticket-closed = Questo ticket è chiuso e non accetta altri messaggi.
ticket-work = Gestione del ticket
ticket-set-state = Cambia lo stato
ticket-assign = Assegna
ticket-no-such-agent = I ticket si possono assegnare solo a operatori e amministratori attivi.
ticket-actions = Azioni
ticket-act-delist = Rimuovi { $ip } dalla lista
ticket-act-reason = Cambia il motivo dell'inserimento in
ticket-act-extend = Prolunga l'inserimento di (giorni)
ticket-act-allow = Aggiungi { $ip } alla lista degli indirizzi consentiti
ticket-act-lift-ban = Revoca il blocco dell'indirizzo mittente
ticket-act-apply = Applica
ticket-act-not-listed = Nessun inserimento per esattamente questo indirizzo IP o intervallo (potrebbe essere coperto da uno più ampio).
ticket-act-bad-reason = Scegli uno dei motivi.
ticket-act-bad-days = Indica un numero di giorni compreso tra 1 e 3650.
ticket-act-no-ban = Non esiste alcun blocco per questo indirizzo mittente.
ticket-act-release = Togli la limitazione a un nostro mittente (indirizzo)
ticket-act-no-restriction = Quel nostro mittente non ha limitazioni.
ticket-act-unknown = Questa azione non è disponibile per questo ticket.
ticket-no-text = (Nessun testo: la risposta era solo un allegato, conservato con l'email.)
ticket-ip-not-listed = { $ip } ora non è nella nostra lista.
ticket-ip-not-listed-next = La nostra lista non rifiuta più la posta da questo indirizzo; se torna ancora indietro, il messaggio di mancato recapito indica un'altra causa.
ticket-history = Cronologia

## Ticket: l'invito al titolare degli indirizzi IP e le email di un ticket
ticket-done-invite = L'invito è in arrivo.
ticket-done-revoke = L'invito è stato ritirato; il suo link e la sua sessione non funzionano più.
ticket-parties = Chi partecipa
ticket-party-tenant = amministratore del cliente
ticket-party-owner = titolare degli indirizzi IP
ticket-party-joined = ha aderito
ticket-party-until = scadenza: { $until }
ticket-party-ended = ritirato o scaduto
ticket-party-revoke = Ritira
ticket-invite-address = Invita il titolare degli indirizzi IP (indirizzo email)
ticket-invite-days = Validità in giorni
ticket-invite = Invita
invite-bad-address = Questo non è un indirizzo email a cui possiamo scrivere.
invite-bad-days = Un invito è valido da 1 a 90 giorni.
invite-title = Invito a un ticket
invite-unknown = Questo link non è valido. Controlla di averlo copiato per intero.
invite-used = Questo link è già stato usato: funziona una sola volta. Rispondi invece alla nostra email, oppure chiedici un nuovo invito.
invite-expired = Questo invito è scaduto. Rispondi alla nostra email per chiederne uno nuovo.
invite-revoked = Questo invito è stato ritirato.
invite-no-session = Apri prima il link contenuto nella tua email di invito: questa pagina funziona solo nel browser in cui lo hai aperto.
owner-intro = Hai ricevuto un invito a questo ticket come { $address }, in quanto titolare degli indirizzi IP del mittente. Puoi vederne i messaggi pubblici e rispondere.
owner-state = Stato del ticket: { $state }.
owner-by-mail = Puoi anche rispondere a una qualsiasi delle nostre email su questo ticket.
mail-ticket-subject = Nuovo messaggio nel ticket { $reference }
mail-ticket-reply-hint = Scrivi la tua risposta sopra questa riga, oppure apri il ticket con il link qui sotto.
mail-ticket-intro = { $author } ha scritto nel ticket { $reference }:
mail-ticket-open = Ticket { $reference }:
mail-invite-subject = Invito al ticket { $reference }
mail-invite-body = La nostra assistenza ti chiede, in quanto titolare di { $ip }, di partecipare al ticket { $reference } sulla posta proveniente dalla tua rete. Apri questo link per leggere il ticket e rispondere:
mail-invite-once = Il link funziona una sola volta, nel browser in cui lo apri, ed è valido per { $days } giorni. Puoi anche rispondere a questa email.

## Cosa chiedere all'amministratore del destinatario
ask-admin-title = Chiedi all'amministratore del destinatario di aprire un ticket
ask-admin-body = Non possiamo togliere questo blocco sulla tua sola parola, e accettiamo ticket solo dai nostri clienti: l'amministratore della casella a cui scrivi è uno di loro. Chiedigli di aprire un ticket per te; il nostro supporto risponderà a lui e potrà scriverti direttamente.
ask-admin-step-who = Trova l'amministratore della posta del destinatario (il suo reparto IT o il postmaster).
ask-admin-step-send = Mandagli questo link: apre per lui il modulo del ticket, già compilato con ciò che sappiamo.
ask-admin-include = Dagli il messaggio di mancato recapito completo che hai ricevuto, cosa hai trovato, cosa hai cambiato e come contattarti.

## La console degli operatori: panoramica e registro di controllo
admin-title = Console
admin-tickets = Ticket aperti: { $open }; con una risposta non ancora letta: { $unread }.
admin-audit = Ogni modifica: chi l'ha fatta, da dove, com'era prima e com'è dopo.
admin-listings-title = Lista dei mittenti bloccati
admin-listings = Inserimenti attivi: { $count }.
admin-cases-title = Pratiche di abuso
admin-cases = Pratiche aperte: { $count }.
admin-mail-title = Coda di invio
admin-mail = Email in attesa di invio: { $count }.
audit-title = Registro di controllo
audit-intro = Ogni modifica a inserimenti, voci delle policy, segnalazioni, clienti, utenti, ticket e impostazioni degli account, dalla più recente. Cerca per chi, cosa e quando; la stessa ricerca si può scaricare in formato CSV.
audit-actor = Chi
audit-action = Azione
audit-subject = Oggetto
audit-from = Dal giorno
audit-to = Al giorno
audit-when = Quando
audit-address = Indirizzo
audit-before = Prima
audit-after = Dopo
audit-csv = Scarica questa ricerca in formato CSV
audit-older = Voci meno recenti
audit-none = Nessuna voce corrisponde ai criteri.
audit-bad-from = Il primo giorno non è una data valida (YYYY-MM-DD).
audit-bad-to = L'ultimo giorno non è una data valida (YYYY-MM-DD).
audit-bad-before = La pagina indicata non è un numero di voce.

## La console: voci delle policy
policy-title = Voci delle policy
policy-intro = Ciò che il servizio di policy di Postfix decide oltre alla lista dei mittenti bloccati: intervalli mai bloccati (lista degli indirizzi consentiti), indirizzi mittente rifiutati con 5.7.511 e nostri mittenti rifiutati con 5.1.8. Una modifica ha effetto entro un secondo e viene registrata nella cronologia della voce e nel registro di controllo.
policy-kind = Tipo
policy-all = Tutti i tipi
policy-kind-allow = intervallo nella lista degli indirizzi consentiti
policy-kind-sender-ban = indirizzo mittente bloccato
policy-kind-restriction = nostro mittente con invio limitato
policy-key = Intervallo o indirizzo
policy-key-hint = Un intervallo o un IP per la lista degli indirizzi consentiti; user@domain o @domain per un blocco; user@domain per uno dei nostri mittenti.
policy-reason = Motivo (per un blocco)
policy-note = Nota
policy-since = In vigore dal
policy-remove = Rimuovi
policy-none = Nessuna voce.
policy-add-heading = Aggiungi una voce
policy-add = Aggiungi
policy-done-added = La voce è stata aggiunta.
policy-done-removed = La voce è stata rimossa.
policy-bad-kind = Scegli un tipo.
policy-bad-key-allow = Non è un indirizzo IP o un intervallo valido.
policy-bad-key-sender-ban = Per un blocco serve user@domain o @domain.
policy-bad-key-restriction = Per una limitazione serve l'indirizzo di uno dei nostri mittenti, user@domain.
policy-not-there = Questa voce non esiste.

## La console: inserimenti
listings-title = Inserimenti
listings-intro = Cerca nella lista dei mittenti bloccati: un IP trova ogni inserimento il cui intervallo lo contiene; oppure scegli motivo, stato, origine e giorni di inserimento.
listings-ip = Indirizzo IP
listings-source = Origine
listings-bad-filter = Un filtro ha un valore che non è tra quelli previsti, oppure un giorno che non è una data valida (YYYY-MM-DD).
listings-edit = Modifica l'inserimento
listings-expires-hint = L'ultimo giorno in cui resta nella lista; lascia vuoto per non fissare una scadenza.
listings-self-delist = Il mittente può rimuoverlo autonomamente tramite il portale
listings-save = Salva
listings-delist = Rimuovi subito dalla lista
listings-done-edit = L'inserimento è stato modificato; la DNSBL e il servizio di policy rispondono di conseguenza entro un secondo.
listings-done-delist = L'intervallo è stato rimosso dalla lista; la DNSBL e il servizio di policy rispondono di conseguenza entro un secondo.
listings-not-active = Questo inserimento è terminato; non può più essere modificato.
listings-bad-expiry = La scadenza non è una data valida (YYYY-MM-DD).
listings-expiry-past = La scadenza deve essere una data futura.
listing-state-active = attivo
listing-state-delisted = rimosso dalla lista
listing-state-expired = scaduto
listing-source-operator = operatore
listing-source-import = importazione
listing-source-reports = segnalazioni di abuso
listing-source-trap = trappola antispam
