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
footer-about = Queste pagine sono destinate a chiunque invii posta ai nostri utenti. Per utilizzarle non serve un account presso di noi.
footer-api = JSON API

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
lookup-intro = Inserisci l'indirizzo IP che ha inviato la posta rifiutata. Il nostro messaggio di mancato recapito lo riporta tra parentesi dopo «banned sending IP».
lookup-ip-label = Indirizzo IP
lookup-ip-hint = IPv4, ad esempio 192.0.2.1, oppure IPv6, ad esempio 2001:db8::1
lookup-submit = Verifica
lookup-not-listed = { $ip } non è presente nella nostra lista.
lookup-not-listed-next = Se i nostri server continuano a rifiutare la tua posta, il motivo è un altro. Leggi l'intero messaggio di mancato recapito: indica il problema.
lookup-listed = { $ip } è presente nella nostra lista.
lookup-range = Intervallo inserito nella lista
lookup-reason = Motivo
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

## Motivi (mostrati al posto del testo inglese dell'operatore quando l'inserimento nella lista usa un motivo predefinito)
reason-manual = Inserito nella lista dai nostri postmaster in seguito ad abusi provenienti da questo indirizzo IP.
reason-complaints = I nostri utenti hanno segnalato come posta indesiderata i messaggi provenienti da questo indirizzo IP.
reason-spamtrap = I messaggi provenienti da questo indirizzo IP hanno raggiunto indirizzi spam trap, che non hanno mai chiesto di ricevere posta.
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
sent-reference = Il codice di riferimento della tua richiesta è { $reference }. Conservalo: la pagina di stato mostra a che punto è la richiesta, anche se il nostro messaggio è stato recapitato.
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
report-too-large = Il messaggio è più grande di { $size } byte.
report-thanks-title = Grazie
report-thanks = La tua segnalazione è stata registrata con il numero { $submission }. Messaggi segnalati: { $count }. Il nostro team antiabuso interviene in caso di reclami ripetuti sullo stesso mittente.
report-thanks-duplicate = Avevamo già ricevuto da te una segnalazione di questo messaggio; viene registrata una sola volta.
report-not-ours = Il messaggio segnalato non sembra essere stato inviato tramite la nostra piattaforma, quindi non possiamo intervenire sul mittente. Segnalalo al provider da cui proviene.
report-unavailable = Al momento non possiamo registrare le segnalazioni. Riprova tra qualche minuto.
