# Die Meldungen von llm-agent auf Deutsch, übersetzt aus en.ftl, der Quelle, der jede Übersetzung folgt.
# Jede ID und ihre Argumente stehen in docs/messages.md. Argumente in { $name };
# Zahlen werden so geschrieben, wie die Sprache sie schreibt; DATETIME($at) schreibt einen Zeitpunkt
# (in UTC), DATE($day) einen Tag.

## Von mehreren Bereichen gemeinsam genutzt

fields_need_attention = { $count ->
    [one] 1 Feld muss überprüft werden
   *[other] { $count } Felder müssen überprüft werden
}
fix_marked_fields = Korrigieren Sie die markierten Felder und speichern Sie dann erneut.
check_disk_space = Prüfen Sie, ob auf dem Datenträger freier Speicherplatz vorhanden ist und der Datenordner beschreibbar ist, und versuchen Sie es dann erneut.
retry_with_correlation_id = Versuchen Sie es erneut; wenn das Problem bestehen bleibt, melden Sie es mit der Korrelations-ID.

## Profile

vault_not_found = kein Profil hat die ID { $id }
vault_not_found_remedy = Listen Sie die Profile auf, um die aktuellen IDs zu erhalten; das Profil wurde möglicherweise gelöscht.
vault_name_conflict = ein anderes Profil heißt bereits „{ $name }“
vault_name_conflict_remedy = Wählen Sie einen anderen Namen; Namen, die sich nur in der Groß- und Kleinschreibung unterscheiden, gelten als gleich.
vault_successor_required = Profil { $id } ist das aktive Profil: Geben Sie an, welches Profil stattdessen aktiviert werden soll (successor_id)
vault_successor_required_remedy = Wählen Sie, welches Profil stattdessen verwendet werden soll, und löschen Sie dann dieses.
vault_successor_not_found = der Nachfolger { $id } ist kein anderes vorhandenes Profil
vault_successor_not_found_remedy = Wählen Sie ein anderes vorhandenes Profil, das stattdessen verwendet werden soll.
vault_consent_required = { $endpoint } befindet sich nicht auf diesem Computer, und die lernende Person hat nicht eingewilligt, Prompts dorthin zu senden
vault_consent_required_remedy = An diesen Server gesendete Prompts verlassen diesen Computer. Willigen Sie darin ein, um ihn zu verwenden, oder wählen Sie einen Server auf diesem Computer.
vault_consent_withdrawn = { $endpoint } befindet sich nicht auf diesem Computer, und die lernende Person hat ihre Einwilligung, Prompts dorthin zu senden, widerrufen ({ DATETIME($withdrawn_at) })
vault_consent_withdrawn_remedy = Das Profil bleibt erhalten, aber solange die Einwilligung widerrufen ist, wird nichts an seinen Server gesendet. Willigen Sie erneut ein, um es zu verwenden (profiles.update mit consent_granted_at), oder wählen Sie einen Server auf diesem Computer.
vault_read_only_remedy = Profile können weiterhin verwendet, aber nicht geändert werden. Stellen Sie profiles.json aus einer Sicherung wieder her oder verschieben Sie die Datei an einen anderen Ort, um neu zu beginnen; der Status des Agenten zeigt, was mit ihr nicht stimmt.
vault_not_written = die Profildatei konnte nicht geschrieben werden ({ $error }); es wurde nichts geändert
vault_restarting = der Profilspeicher wird neu gestartet; versuchen Sie es gleich noch einmal
vault_restarting_remedy = Versuchen Sie es gleich noch einmal; der Agent startet seinen Profilspeicher selbstständig neu.
vault_outcome_unknown = die Bestätigung der Änderung hat zu lange gedauert; ihr Ergebnis ist unbekannt: Listen Sie die Profile auf, um zu sehen, ob sie übernommen wurde
vault_outcome_unknown_remedy = Listen Sie die Profile auf, um zu sehen, ob die Änderung übernommen wurde, bevor Sie sie erneut versuchen.
vault_too_many_profiles = der Profilspeicher fasst höchstens { $max } Profile; löschen Sie zuerst eines
vault_too_many_profiles_remedy = Löschen Sie ein Profil, das Sie nicht mehr verwenden, und versuchen Sie es dann erneut.
vault_starting = der Profilspeicher wird gestartet

## Die Profildatei (solange sie unbrauchbar ist, können Profile nicht geändert werden)

store_unknown_schema = Profile können nicht geändert werden: { $path } hat einen unerwarteten Aufbau (unbekanntes Schema); die Datei wurde unverändert belassen. Stellen Sie sie aus einer Sicherung wieder her oder verschieben Sie sie an einen anderen Ort, um ohne Profile zu beginnen.
store_newer = Profile können nicht geändert werden: { $path } wurde von einer neueren Version von llm-agent geschrieben (Schema { $schema }, diese Version kennt { $known }); hier ist die Datei schreibgeschützt. Aktualisieren Sie llm-agent.
store_not_json = Profile können nicht geändert werden: { $path } ist kein gültiges JSON ({ $error }); die Datei wurde unverändert belassen. Stellen Sie sie aus einer Sicherung wieder her oder verschieben Sie sie an einen anderen Ort, um ohne Profile zu beginnen.
store_bad_shape = Profile können nicht geändert werden: { $path } hat einen unerwarteten Aufbau ({ $error }); die Datei wurde unverändert belassen. Stellen Sie sie aus einer Sicherung wieder her oder verschieben Sie sie an einen anderen Ort, um ohne Profile zu beginnen.
store_unreadable = Profile können nicht geändert werden: { $path } konnte nicht gelesen werden ({ $error }); die Datei wurde unverändert belassen

## Sicherer Speicher und der Anmeldeinformationsspeicher des Betriebssystems

safe_storage_key_missing_remedy = Der Schlüssel, der die gespeicherten API-Schlüssel schützt, fehlt im Schlüsselbund des Systems, daher können die gespeicherten API-Schlüssel nicht gelesen werden. Setzen Sie sie zurück und geben Sie sie erneut ein; alle anderen Einstellungen bleiben erhalten.
data_key_does_not_open = der Schlüssel für den sicheren Speicher fehlt: Der Schlüssel im Schlüsselbund des Betriebssystems öffnet die gespeicherten API-Schlüssel nicht mehr
data_key_damaged = der Schlüssel für den sicheren Speicher fehlt: Der Schlüssel im Schlüsselbund des Betriebssystems ist beschädigt
data_key_gone = der Schlüssel für den sicheren Speicher fehlt: Der Schlüssel ist nicht mehr im Schlüsselbund des Betriebssystems vorhanden, wird aber für die gespeicherten API-Schlüssel benötigt
data_key_absent = der Schlüssel für den sicheren Speicher fehlt: Zum Entschlüsseln ist kein Schlüssel verfügbar
saved_key_does_not_open = der Schlüssel für den sicheren Speicher fehlt: Der gespeicherte API-Schlüssel lässt sich mit dem aktuellen Schlüssel nicht entschlüsseln
keyring_refused = der sichere Speicher ist nicht verfügbar: Der Schlüsselbund des Betriebssystems ist gesperrt oder hat den Zugriff verweigert ({ $error })
keyring_not_reached = der sichere Speicher ist nicht verfügbar: Der Schlüsselbund des Betriebssystems ist nicht erreichbar ({ $error })
keyring_no_answer = der sichere Speicher ist nicht verfügbar: Der Schlüsselbund des Betriebssystems hat nicht rechtzeitig geantwortet
keyring_locked_linux = Entsperren Sie Ihren Schlüsselbund (melden Sie sich bei der Desktop-Sitzung an oder entsperren Sie ihn in der Anwendung Passwörter und Verschlüsselung) und versuchen Sie es dann erneut.
keyring_no_answer_linux = Wenn das System Sie auffordert, Ihren Schlüsselbund zu entsperren, entsperren Sie ihn; andernfalls starten Sie Ihren Schlüsselbunddienst (GNOME Keyring oder KeePassXC) neu. Versuchen Sie es dann erneut; an den gespeicherten Daten wurde nichts geändert.
keyring_unreachable_linux = Starten Sie in Ihrer Desktop-Sitzung einen Secret-Service-Anbieter (GNOME Keyring oder KeePassXC) und versuchen Sie es dann erneut; an den gespeicherten Daten wurde nichts geändert.
keyring_no_session_bus = Diese Sitzung hat keinen D-Bus-Sitzungsbus, daher ist kein Secret Service erreichbar (ein Rechner ohne Desktop oder eine ssh-Verbindung). Führen Sie den Agenten in Ihrer Desktop-Sitzung aus; oder, nur um llm-agent aus seinem Quellcode-Checkout auszuprobieren, führen Sie scripts/try-agent aus (ein Wegwerf-Schlüsselbund: nicht für echte API-Schlüssel). An den gespeicherten Daten wurde nichts geändert.
keyring_locked_macos = Ihr Anmeldeschlüsselbund ist gesperrt, fehlt oder ist schreibgeschützt: Entsperren Sie ihn in der Schlüsselbundverwaltung (oder melden Sie sich erneut an) und versuchen Sie es dann erneut.
keyring_no_answer_macos = macOS wartet auf eine Antwort zu Ihrem Anmeldeschlüsselbund: Suchen Sie nach einem Dialog, der Sie auffordert, ihn zu entsperren oder llm-agent die Verwendung seines Schlüssels zu erlauben, und beantworten Sie ihn (Immer erlauben). Versuchen Sie es dann erneut; an den gespeicherten Daten wurde nichts geändert.
keyring_unreachable_macos = macOS hat llm-agent nicht erlaubt, seinen Schlüssel in Ihrem Anmeldeschlüsselbund zu verwenden. Wenn ein Dialog nachgefragt hat, wählen Sie Immer erlauben; wenn der Anmeldeschlüsselbund gesperrt ist, entsperren Sie ihn in der Schlüsselbundverwaltung. Versuchen Sie es dann erneut; an den gespeicherten Daten wurde nichts geändert.
keyring_locked_windows = Die Windows-Anmeldeinformationsverwaltung hat keine Anmeldesitzung für diesen Prozess: Führen Sie llm-agent in Ihrer eigenen angemeldeten Sitzung aus (die App startet ihn dort) und versuchen Sie es dann erneut.
keyring_no_answer_windows = Die Windows-Anmeldeinformationsverwaltung hat nicht rechtzeitig geantwortet: Versuchen Sie es gleich noch einmal; wenn das Problem bestehen bleibt, starten Sie den Dienst Anmeldeinformationsverwaltung (VaultSvc) neu oder melden Sie sich ab und wieder an. An den gespeicherten Daten wurde nichts geändert.
keyring_unreachable_windows = Die Windows-Anmeldeinformationsverwaltung konnte nicht verwendet werden. Melden Sie sich mit Ihrem eigenen Konto bei Windows an (nicht über ein Dienstkonto), prüfen Sie, ob der Dienst Anmeldeinformationsverwaltung (VaultSvc) läuft, und versuchen Sie es dann erneut; an den gespeicherten Daten wurde nichts geändert.
keyring_unsupported = Dieses System hat keinen Anmeldeinformationsspeicher, den llm-agent verwenden kann; Profile können weiterhin gelesen werden.

## Felder eines Profils

field_name_required = Geben Sie dem Profil einen Namen, z. B. „Local Llama“.
field_provider_required = Wählen Sie einen Anbieter: { $providers }.
field_provider_unknown = Unbekannter Anbieter; wählen Sie einen der folgenden: { $providers }.
field_model_required = Geben Sie das zu verwendende Modell an, z. B. „llama3.2“ oder „gpt-4o-mini“.
field_api_key_required = { $provider } benötigt einen API-Schlüssel: Fügen Sie den Schlüssel aus den API-Einstellungen Ihres Kontos ein.
field_consent_required = Dieser Server befindet sich nicht auf diesem Computer, daher verlassen an ihn gesendete Prompts diesen Computer: Willigen Sie darin ein, um ihn zu verwenden.
field_too_long = Verwenden Sie höchstens { $max } Zeichen.
field_control_characters = Entfernen Sie Zeilenumbrüche und andere Steuerzeichen.
field_endpoint_required = Geben Sie die Basis-URL des Servers an, z. B. http://127.0.0.1:11434.
field_endpoint_control_characters = Entfernen Sie Zeilenumbrüche, Tabulatoren und andere Steuerzeichen aus der URL.
field_endpoint_not_a_url = Keine URL ({ $reason }): Geben Sie eine Basis-URL an, z. B. http://127.0.0.1:11434.
field_endpoint_not_http = Verwenden Sie eine http://- oder https://-URL.
field_endpoint_credentials = Entfernen Sie Benutzername und Passwort aus der URL; geben Sie stattdessen einen Schlüssel in api_key an.
field_endpoint_query_or_fragment = Entfernen Sie die Abfrage (?…) oder das Fragment (#…): Geben Sie nur die Basis-URL an.
field_endpoint_no_host = Geben Sie den Host des Servers an, z. B. http://127.0.0.1:11434.
field_consent_in_future = Der Zeitpunkt der Einwilligung liegt in der Zukunft: Senden Sie den Zeitpunkt, zu dem die lernende Person eingewilligt hat.
field_consent_not_a_time = Senden Sie den Zeitpunkt, zu dem die lernende Person eingewilligt hat, im Format RFC 3339, z. B. 2026-11-21T10:00:00Z.
field_too_many_labels = Verwenden Sie höchstens { $max } Labels.
field_label_invalid = Ein Label hat 1 bis { $max } Zeichen und keine Zeilenumbrüche.
field_parallelism_invalid = Geben Sie eine ganze Zahl von 1 bis { $max } an: wie viele Anfragen gleichzeitig an diesen Endpunkt gehen dürfen.
field_azure_option_required = Azure OpenAI benötigt die Option { $option }: Sie finden sie im Azure-Portal unter der Modellbereitstellung.
field_too_many_options = Verwenden Sie höchstens { $max } Optionen.
field_option_name_invalid = Optionsnamen bestehen aus 1 bis { $max } Buchstaben, Ziffern, '_', '-' oder '.'.
field_option_value_invalid = Optionswerte haben höchstens { $max } Zeichen und keine Zeilenumbrüche.
field_api_key_empty = Fügen Sie den API-Schlüssel ein oder lassen Sie das Feld weg.
field_api_key_too_long = Das ist länger als jeder API-Schlüssel: Prüfen Sie, was eingefügt wurde.
field_api_key_whitespace = Entfernen Sie Leerzeichen und Zeilenumbrüche aus dem Schlüssel (beim Kopieren und Einfügen können sie hinzugekommen sein).

## Modellaufrufe (Prompt-Tests und Chat-Aufrufe), die beim Anbieter fehlgeschlagen sind
## $said ist die eigene Meldung des Anbieters nach „: “ oder leer; $name der Name des Anbieters.

agent_shutting_down = der Agent wird beendet
call_after_shutdown_remedy = Versuchen Sie es erneut, sobald der Agent wieder läuft.
call_internal = { $what }
call_key_unusable = der gespeicherte API-Schlüssel kann nicht in einem HTTP-Header gesendet werden
call_key_unusable_remedy = Geben Sie den API-Schlüssel erneut ein: Kopieren Sie ihn exakt, ohne Leerzeichen oder Zeilenumbrüche.
call_key_missing = { $name } benötigt einen API-Schlüssel, und dieses Profil hat keinen
call_key_missing_remedy = { $provider ->
    [openai] Fügen Sie diesem Profil den API-Schlüssel hinzu. Schlüssel finden Sie unter platform.openai.com → API keys.
    [anthropic] Fügen Sie diesem Profil den API-Schlüssel hinzu. Schlüssel finden Sie unter console.anthropic.com → API keys.
    [azure_openai] Fügen Sie diesem Profil den API-Schlüssel hinzu. Schlüssel finden Sie im Azure-Portal: die Ressource → Schlüssel und Endpunkt.
   *[other] Fügen Sie diesem Profil den API-Schlüssel hinzu.
    }
call_wrong_path = { $name } hat unter { $path } mit HTTP { $status } geantwortet: Dort wird { $api ->
    [openai] die Chat-Completions-API von OpenAI
    [ollama] die API von Ollama
    [anthropic] die Messages-API von Anthropic
   *[azure] die Azure-OpenAI-API
    } nicht bereitgestellt
call_server_failed = { $name } ist mit HTTP { $status } fehlgeschlagen{ $said }
call_server_failed_local_remedy = Sehen Sie sich die Konsolenausgabe von { $name } an: Möglicherweise konnte das Modell nicht geladen werden (nicht genug Arbeitsspeicher?). Versuchen Sie es dann erneut.
call_server_failed_remote_remedy = { $name } hat ein Problem auf seiner Seite: Versuchen Sie es in einer Minute erneut, und prüfen Sie die Statusseite, wenn das Problem bestehen bleibt.
call_refused = { $name } hat die Anfrage mit HTTP { $status } abgelehnt{ $said }
call_refused_remedy = Prüfen Sie das Modell und die Optionen des Profils anhand der Dokumentation des Anbieters.
call_reported_error = { $name } hat mitten in der Antwort einen Fehler gemeldet{ $said }
call_reported_error_remedy = Versuchen Sie es erneut; wenn das Problem bestehen bleibt, ist das Modell auf dem Server möglicherweise überlastet oder falsch konfiguriert.
call_key_asked_remedy = { $provider ->
    [openai] { $name } verlangt einen API-Schlüssel: Fügen Sie diesem Profil einen hinzu. Schlüssel finden Sie unter platform.openai.com → API keys.
    [anthropic] { $name } verlangt einen API-Schlüssel: Fügen Sie diesem Profil einen hinzu. Schlüssel finden Sie unter console.anthropic.com → API keys.
    [azure_openai] { $name } verlangt einen API-Schlüssel: Fügen Sie diesem Profil einen hinzu. Schlüssel finden Sie im Azure-Portal: die Ressource → Schlüssel und Endpunkt.
   *[other] { $name } verlangt einen API-Schlüssel: Fügen Sie diesem Profil einen hinzu.
    }
call_key_forbidden_remedy = { $name } hat den Schlüssel akzeptiert, erlaubt damit aber nicht die Nutzung dieses Modells oder Endpunkts: Prüfen Sie Projekt, Berechtigungen oder Region des Schlüssels.
call_key_refused_remedy = { $provider ->
    [openai] Prüfen Sie den API-Schlüssel unter platform.openai.com → API keys, und aktualisieren Sie dann den Schlüssel dieses Profils.
    [anthropic] Prüfen Sie den API-Schlüssel unter console.anthropic.com → API keys, und aktualisieren Sie dann den Schlüssel dieses Profils.
    [azure_openai] Verwenden Sie einen der Schlüssel der Ressource (Azure-Portal → die Ressource → Schlüssel und Endpunkt); er muss zur Ressource dieses Endpunkts gehören.
   *[other] Prüfen Sie, welchen API-Schlüssel { $name } erwartet, und aktualisieren Sie dann den Schlüssel dieses Profils.
    }
call_key_refused = { $name } hat den API-Schlüssel abgelehnt (HTTP { $status }){ $said }
call_quota_used_up = { $name } meldet, dass das Kontingent des Kontos aufgebraucht ist{ $said }
call_quota_used_up_remedy = Laden Sie Guthaben auf oder erhöhen Sie das Ausgabenlimit in den Abrechnungseinstellungen des Anbieters; Warten hilft hier nicht.
call_rate_limited_wait_remedy = Warten Sie { NUMBER($seconds, maximumFractionDigits: 0) } s, und versuchen Sie es dann erneut; wenn es immer wieder vorkommt, prüfen Sie die Ratenlimits des Tarifs.
call_rate_limited_remedy = Warten Sie einen Moment, und versuchen Sie es dann erneut; wenn es immer wieder vorkommt, prüfen Sie die Ratenlimits des Tarifs.
call_rate_limited = { $name } begrenzt die Anfragerate (HTTP 429){ $said }
call_overloaded = { $name } ist überlastet (HTTP { $status }){ $said }
call_overloaded_remedy = { $name } ist gerade ausgelastet: Versuchen Sie es gleich noch einmal.
call_model_not_found = { $provider ->
    [ollama] Ollama hat kein Modell namens `{ $model }`{ $said }
    [azure_openai] Azure OpenAI hat keine Bereitstellung namens `{ $deployment }`{ $said }
    [lm_studio] In LM Studio ist kein Modell `{ $model }` geladen{ $said }
    [vllm] vLLM stellt `{ $model }` nicht bereit{ $said }
    [openai] OpenAI hat für diesen Schlüssel kein Modell `{ $model }`{ $said }
    [anthropic] Anthropic hat kein Modell `{ $model }`{ $said }
   *[other] { $name } stellt kein Modell namens `{ $model }` bereit{ $said }
    }
call_model_not_found_remedy = { $provider ->
    [ollama] Das Modell ist nicht heruntergeladen: Führen Sie `ollama pull { $model }` aus, oder wählen Sie eines, das `ollama list` anzeigt.
    [azure_openai] Prüfen Sie den Namen der Bereitstellung (metadata.options.deployment) im Azure AI Foundry-Portal; eine neue Bereitstellung kann einige Minuten brauchen, bis sie erscheint.
    [lm_studio] Laden Sie das Modell in LM Studio (oder mit `lms load { $model }`), oder wählen Sie ein Modell, das der Server von LM Studio auflistet.
    [vllm] vLLM stellt das Modell bereit, mit dem es gestartet wurde: Verwenden Sie diesen Namen (GET /v1/models listet ihn auf).
    [openai] Prüfen Sie die Modell-ID (zum Beispiel gpt-4o-mini) und ob das Projekt des Schlüssels das Modell verwenden darf.
    [anthropic] Prüfen Sie die Modell-ID (zum Beispiel claude-sonnet-4-5); die Modell-IDs sind unter docs.anthropic.com aufgeführt.
   *[other] Verwenden Sie einen Modellnamen, den der Server auflistet (GET /v1/models bei OpenAI-kompatiblen Servern).
    }
call_wrong_path_openai_remedy = Prüfen Sie die Basis-URL und die Anbieterart: Dieser Server bietet unter diesem Pfad keine OpenAI-API an.
call_wrong_path_add_v1_remedy = Die Basis-URL braucht möglicherweise `/v1`: Versuchen Sie { $url }.
call_wrong_path_remedy = { $api ->
    [ollama] Diese Adresse stellt die API von Ollama nicht bereit: Prüfen Sie den Port (Ollama lauscht auf 11434) oder die Anbieterart.
    [anthropic] Verwenden Sie https://api.anthropic.com als Basis-URL.
   *[azure] Verwenden Sie den Endpunkt der Ressource (https://RESOURCE.openai.azure.com), und prüfen Sie die Option api_version.
    }
call_invalid_shape = { $status ->
    [none] { $name } hat geantwortet
   *[other] { $name } hat geantwortet (HTTP { $status })
    }, aber nicht im Format { $api ->
    [openai] der Chat-Completions-API von OpenAI
    [ollama] der API von Ollama
    [anthropic] der Messages-API von Anthropic
   *[azure] der Azure-OpenAI-API
    }: { $what }
call_invalid_shape_remedy = Prüfen Sie die Anbieterart und die Basis-URL: { $api ->
    [openai] Ein OpenAI-kompatibler Server braucht seine Basis-URL mit /v1 (zum Beispiel http://127.0.0.1:1234/v1).
    [ollama] Die Basis-URL von Ollama hat keinen Pfad (http://127.0.0.1:11434).
    [anthropic] Die Basis-URL von Anthropic ist https://api.anthropic.com.
   *[azure] Die Basis-URL von Azure OpenAI ist https://RESOURCE.openai.azure.com.
    }
call_redirected = { $to ->
    [none] { $name } hat mit HTTP { $status } geantwortet und an eine andere Adresse weitergeleitet
   *[other] { $name } hat mit HTTP { $status } geantwortet und an `{ $to }` weitergeleitet
    }
call_redirected_remedy = Ändern Sie den Endpunkt des Profils auf die Adresse, an die der Server weiterleitet (oft http:// → https:// oder ein zusätzlicher Pfad am Ende).
call_cut_short = die Antwort von { $name } brach ab, bevor sie vollständig war ({ $why })
call_cut_short_remedy = Der Server ist möglicherweise abgestürzt oder hat die Verbindung getrennt: Versuchen Sie es erneut, und sehen Sie sich seine Protokolle an, wenn es wieder vorkommt.
call_refused_connection = unter { $address } lauscht nichts (Verbindung abgelehnt)
call_dns_failed = der Hostname { $host } konnte nicht aufgelöst werden
call_dns_failed_remedy = Prüfen Sie die Schreibweise des Endpunkts und die Internetverbindung dieses Computers.
call_no_connection = keine Verbindung zu { $address }: { $detail }
call_no_connection_remote_remedy = Prüfen Sie die Internetverbindung dieses Computers, eine Firewall oder einen Proxy sowie den Hostnamen des Endpunkts.
call_tls_local_remedy = Ein Server auf diesem Computer spricht in der Regel einfaches HTTP: Versuchen Sie http://{ $address } als Endpunkt.
call_tls_certificate_remedy = Dieser Computer vertraut dem Zertifikat des Servers nicht: Prüfen Sie den Endpunkt, oder installieren Sie das Stammzertifikat Ihrer Organisation.
call_tls_remedy = Stellen Sie sicher, dass der Endpunkt https:// nur dort verwendet, wo der Server TLS spricht.
call_tls_failed = TLS mit { $address } ist fehlgeschlagen: { $detail }
call_not_http = { $name } unter { $address } hat nicht per HTTP geantwortet: { $detail }
call_not_http_try_https_remedy = Der Server spricht möglicherweise HTTPS: Versuchen Sie https://{ $address }, oder prüfen Sie den Port.
call_not_http_remedy = Prüfen Sie den Port: Dort lauscht möglicherweise eine andere Art von Server.
call_check_connection_remedy = Prüfen Sie die Internetverbindung dieses Computers sowie Host und Port des Endpunkts.
call_start_server_remedy = { $provider ->
    [ollama] Ollama läuft nicht: Starten Sie es mit `ollama serve` (oder öffnen Sie die Ollama-App).
    [lm_studio] Starten Sie den Server von LM Studio: Registerkarte Developer → Start Server, oder `lms server start`.
    [llama_cpp] Starten Sie den llama.cpp-Server: `llama-server -m MODEL.gguf --port { $port }`.
    [vllm] Starten Sie vLLM: `vllm serve { $model } --port { $port }`.
    [localai] Starten Sie LocalAI (zum Beispiel mit `local-ai run`), und prüfen Sie seinen Port.
    [koboldcpp] Starten Sie KoboldCpp mit einem geladenen Modell, und prüfen Sie seinen Port (standardmäßig 5001).
    [text_generation_webui] Starten Sie text-generation-webui mit `--api` (standardmäßig Port 5000).
    [jan] Schalten Sie den lokalen API-Server von Jan ein (Settings → Local API Server).
    [gpt4all] Schalten Sie den API-Server von GPT4All ein (Settings → Enable Local API Server).
    [docker_model_runner] Aktivieren Sie Docker Model Runner mit TCP-Zugriff: `docker desktop enable model-runner --tcp 12434`.
   *[other] Starten Sie den Modellserver, oder korrigieren Sie den Port ({ $port }) im Endpunkt.
    }
call_timed_out_queued = die Anfrage hat { NUMBER($seconds) } s darauf gewartet, dass andere Anfragen an { $name } abgeschlossen werden
call_timed_out_queued_remedy = Warten Sie, bis die anderen Anfragen abgeschlossen sind, oder erhöhen Sie die Option parallelism des Profils.
call_timed_out_connecting = keine Verbindung zu { $address } innerhalb von { NUMBER($seconds) } s
call_timed_out_connecting_remedy = Prüfen Sie das Netzwerk, eine Firewall oder einen Proxy sowie Host und Port des Endpunkts.
call_timed_out_local = { $name } hat die Anfrage angenommen, aber nicht innerhalb von { NUMBER($seconds) } s geantwortet
call_timed_out_local_remedy = Ein großes Modell wird möglicherweise noch in den Arbeitsspeicher geladen: Versuchen Sie es gleich noch einmal oder mit einem längeren Timeout.
call_timed_out_remote = { $name } hat nicht innerhalb von { NUMBER($seconds) } s geantwortet
call_timed_out_remote_remedy = Der Anbieter ist gerade langsam: Versuchen Sie es erneut oder mit einem längeren Timeout.
call_timed_out_generating = die Antwort von { $name } wurde nicht innerhalb von { NUMBER($seconds) } s fertig
call_timed_out_generating_remedy = Das Modell generiert langsam (läuft es auf der CPU?): Versuchen Sie es mit einem längeren Timeout erneut.

## Der Katalog

catalog_field_model_id = Eine Modell-ID hat 1 bis { $max } Zeichen und keine Zeilenumbrüche.
catalog_field_display_name = Ein Anzeigename hat 1 bis { $max } Zeichen und keine Zeilenumbrüche.
catalog_field_context_window = Geben Sie das Kontextfenster in Tokens an (1 bis { NUMBER($max) }).
catalog_field_price = Geben Sie einen Preis in USD pro Million Tokens an, 0 bis { NUMBER($max) }.
catalog_field_parallelism = Geben Sie 1 bis { $max } gleichzeitige Anfragen an (nil: der Standardwert).
catalog_too_many_models = Es können höchstens { $max } Modelle hinzugefügt oder bearbeitet werden.
catalog_unreadable = catalog.json kann nicht gelesen werden ({ $error }); die Katalogänderungen der lernenden Person werden ignoriert, bis die Datei repariert oder entfernt wird
catalog_newer = catalog.json wurde von einem neueren Agenten geschrieben (Schema { $schema }); die Katalogänderungen der lernenden Person werden ignoriert
catalog_unknown_provider = der Katalog hat keinen Anbieter „{ $provider }“
catalog_unknown_provider_remedy = catalog.list zeigt alle Anbieter.
catalog_unknown_model = der Katalog hat kein Modell „{ $model }“ für { $provider }
catalog_unknown_model_remedy = catalog.list zeigt die Modelle des Anbieters; catalog.upsert_model fügt eines hinzu.
catalog_read_only_remedy = Verschieben Sie catalog.json aus dem Datenordner (ohne die Datei wird der mitgelieferte Katalog verwendet), oder stellen Sie sie aus einer Sicherung wieder her.
catalog_not_saved = die Katalogänderungen konnten nicht gespeichert werden ({ $error }); es wurde nichts geändert
catalog_restarting = der Katalog wird neu gestartet; versuchen Sie es gleich noch einmal
catalog_restarting_remedy = Versuchen Sie es gleich noch einmal; der Agent startet seinen Katalog selbstständig neu.

## Warnungen zu einem gespeicherten Profil

warning_key_and_consent_dropped = Der Endpunkt zeigt jetzt auf einen anderen Server, daher wurden der gespeicherte API-Schlüssel und die Einwilligung, Prompts dorthin zu senden, entfernt: Geben Sie beides für den neuen Server erneut an.
warning_key_dropped = Der Endpunkt zeigt jetzt auf einen anderen Server, daher wurde der gespeicherte API-Schlüssel entfernt: Geben Sie ihn für den neuen Server erneut ein.
warning_consent_dropped = Der Endpunkt zeigt jetzt auf einen anderen Server, daher wurde die Einwilligung, Prompts dorthin zu senden, entfernt: Willigen Sie für den neuen Server erneut ein.
warning_model_deprecated = { $model } ist im Katalog als veraltet markiert: Es funktioniert möglicherweise bald nicht mehr; wählen Sie bei Gelegenheit ein anderes Modell von { $provider }.
warning_model_not_offered = der Server unter { $endpoint } bietet { $model } nicht an: Laden Sie es dort herunter oder in den Speicher, oder wählen Sie eines der Modelle, die der Server auflistet (profiles.models)

## Ausgaben

usage_bad_day = { $field } muss ein Tag im Format YYYY-MM-DD sein
usage_bad_day_remedy = Senden Sie ein UTC-Datum wie 2026-01-31, oder lassen Sie es weg.
usage_range_reversed = `from` liegt nach `to`
usage_range_reversed_remedy = Senden Sie den früheren Tag als `from`.
usage_range_too_long = der Zeitraum umfasst mehr als { $max } Tage
usage_range_too_long_remedy = Fragen Sie höchstens ein Jahr ab, bei Bedarf in mehreren Anfragen.
usage_cap_out_of_range = daily_cap_usd muss größer als 0 und höchstens { NUMBER($max) } sein
usage_cap_out_of_range_remedy = Senden Sie einen Betrag in USD oder nil, um das Limit zu entfernen.
usage_cap_reached = das tägliche Ausgabenlimit des Profils von { NUMBER($cap_usd, minimumFractionDigits: 2, maximumFractionDigits: 2) } USD ist erreicht: Heute ({ DATE($day) }, UTC) wurden { NUMBER($spent_usd, minimumFractionDigits: 4, maximumFractionDigits: 4) } USD ausgegeben
usage_cap_reached_remedy = Aufrufe an dieses Profil funktionieren ab morgen (UTC) wieder; erhöhen oder entfernen Sie das Limit mit usage.set_cap, um heute weiterzumachen.
usage_not_written = die Ausgabensummen konnten nicht geschrieben werden: { $error }

## Erkennung

settings_need_attention = { $count ->
    [one] 1 Einstellung muss überprüft werden
   *[other] { $count } Einstellungen müssen überprüft werden
    }
fix_marked_settings = Korrigieren Sie die markierten Einstellungen und speichern Sie dann erneut.
discovery_not_saved = die Erkennungseinstellungen konnten nicht gespeichert werden ({ $error }); es wurde nichts geändert
discovery_sweep_failed = der Suchlauf konnte nicht ausgeführt werden: { $error }
discovery_restarting = die Erkennung wird neu gestartet; versuchen Sie es gleich noch einmal
discovery_restarting_remedy = Versuchen Sie es gleich noch einmal; der Agent startet die Erkennung selbstständig neu.

## Einen Aufruf vorbereiten

call_bad_endpoint = der Endpunkt des Profils ist keine gültige URL
call_bad_endpoint_remedy = Bearbeiten Sie den Endpunkt des Profils, und versuchen Sie es dann erneut.
call_key_read_timed_out = das Lesen des API-Schlüssels des Profils hat länger gedauert als das Zeitlimit des Aufrufs
call_key_read_timed_out_remedy = Versuchen Sie es erneut; der Anmeldeinformationsspeicher des Betriebssystems hat möglicherweise langsam geantwortet.
calls_restarting = der Dienst des Agenten für Modellaufrufe wird neu gestartet; versuchen Sie es gleich noch einmal
calls_restarting_remedy = Versuchen Sie es gleich noch einmal; der Agent startet den Dienst selbstständig neu.
calls_queue_full = bereits { $waiting } Aufrufe warten auf { $host }
calls_queue_full_remedy = Warten Sie, bis einige davon abgeschlossen sind, oder erhöhen Sie die Parallelität (parallelism) des Anbieters, wenn sein Server mehr verkraftet.
request_cancelled = vom Client abgebrochen
call_cancelled_remedy = Nichts zu tun: Der Aufruf wurde auf Anfrage gestoppt.

## Prompt-Tests

test_timeout_out_of_range = timeout_ms muss zwischen 1 und { $max } liegen (Millisekunden)
test_prompt_out_of_range = prompt muss 1 bis { $max } Zeichen haben
test_timeout_default_remedy = Lassen Sie es weg, um den Standardwert von { $seconds } s zu verwenden.
test_prompt_default_remedy = Lassen Sie es weg, um den integrierten Test-Prompt zu verwenden.

## Chat-Aufrufe

chat_no_target = geben Sie das aufzurufende Profil an: profile_id oder role
chat_two_targets = geben Sie profile_id oder role an, nicht beides
chat_unknown_role = role muss tutor oder infrastructure sein
chat_role_unbound = kein Profil übernimmt die Rolle { $role }: Es gibt keine Profile
chat_role_unbound_remedy = Erstellen Sie zuerst ein Profil; das erste übernimmt jede Rolle.
chat_message_count = messages muss 1 bis { $max } Nachrichten enthalten
chat_message_length = eine Nachricht muss 1 bis { $max } Zeichen haben
chat_only_system = mindestens eine Nachricht muss vom Benutzer oder vom Assistenten stammen
chat_too_much_text = die Nachrichten und Stoppsequenzen überschreiten zusammen { $max } Bytes
chat_too_much_text_remedy = Senden Sie weniger oder kürzere Nachrichten: Lassen Sie die ältesten Beiträge der Unterhaltung weg.
chat_max_tokens = max_tokens muss zwischen 1 und { $max } liegen
chat_temperature = temperature muss bei diesem Anbieter zwischen 0 und { NUMBER($max) } liegen
chat_stop_count = stop enthält höchstens { $max } Sequenzen
chat_stop_length = eine Stoppsequenz muss 1 bis { $max } Zeichen haben
chat_timeout = timeout_ms muss zwischen 1 und { $max } liegen (Millisekunden)

## Diagnose und Supportpakete

diagnostics_restarting = der Diagnosedienst wird neu gestartet; versuchen Sie es gleich noch einmal
diagnostics_restarting_remedy = Versuchen Sie es gleich noch einmal; der Agent startet seinen Diagnosedienst selbstständig neu.
diagnostics_bad_time = { $field } muss ein Zeitpunkt im Format RFC 3339 sein, z. B. 2026-11-21T09:00:00Z
diagnostics_bad_cursor = cursor muss ein next_cursor aus einem früheren Ergebnis sein
diagnostics_bad_cursor_remedy = Lassen Sie es weg, um die neuesten Ereignisse zu erhalten.
diagnostics_bad_path_remedy = Geben Sie einen absoluten Pfad in einem vorhandenen Ordner an; setzen Sie overwrite, um eine Datei zu ersetzen.
diagnostics_export_failed = das Supportpaket konnte nicht geschrieben werden ({ $error })
bundle_path_not_absolute = das Supportpaket kann dort nicht geschrieben werden: Der Pfad ist nicht absolut
bundle_path_no_file = das Supportpaket kann dort nicht geschrieben werden: Der Pfad nennt keine Datei
bundle_path_no_folder = das Supportpaket kann dort nicht geschrieben werden: Der Ordner existiert nicht
bundle_path_is_folder = das Supportpaket kann dort nicht geschrieben werden: Der Pfad ist ein Ordner
bundle_path_exists = das Supportpaket kann dort nicht geschrieben werden: Dort ist bereits eine Datei vorhanden

## Das Prüfprotokoll

audit_not_written = das Prüfprotokoll konnte nicht geschrieben werden ({ $error }); es wurde nichts geändert
audit_not_running = das Prüfprotokoll ist nicht aktiv
audit_not_running_remedy = Starten Sie den Agenten neu; wenn das Problem bestehen bleibt, melden Sie es mit dem Log des Agenten.
limit_out_of_range = limit muss zwischen 1 und { $max } liegen

## Erkennung: Prüfungen, Funde und Konflikte mit Profilen

probe_no_answer = { $address } hat die Verbindung angenommen, aber nicht rechtzeitig geantwortet.
probe_needs_credentials = { $address } lehnt Anfragen ohne Anmeldedaten ab (HTTP 401/403).
probe_stopped_answering = { $address } hat einmal geantwortet, danach aber nicht mehr rechtzeitig.
probe_not_recognised = { $expected ->
    [none] { $address } antwortet per HTTP, aber nicht wie einer der Modellserver, die die Erkennung kennt.
   *[other] { $address } antwortet per HTTP, aber nicht wie einer der Modellserver, die die Erkennung kennt (erwartet: { $expected }).
    }
probe_nothing_listens = Unter { $address } lauscht nichts.
probe_cannot_connect = Keine Verbindung zu { $address } möglich: { $detail }.
probe_dns_failed = Der Hostname von { $address } lässt sich nicht auflösen.
probe_tls_failed = Der TLS-Handshake mit { $address } ist fehlgeschlagen ({ $detail }): Prüfen Sie, ob http:// oder https:// richtig ist.
probe_not_http = { $address } hat die Verbindung angenommen, aber nicht per HTTP geantwortet ({ $detail }).
probe_not_running_hint = Starten Sie den Server, oder prüfen Sie Adresse und Port.
probe_not_responding_hint = Der Server hat die Verbindung angenommen, aber innerhalb von { $ms } ms nichts gesendet: Er ist möglicherweise ausgelastet (lädt ein Modell) oder hängt. Warten Sie, oder starten Sie ihn neu.
probe_needs_key_hint = Der Server verlangt Anmeldedaten, gibt aber nicht an, was er ist: Wenn es sich um einen Modellserver handelt, fügen Sie ihn manuell als OpenAI-kompatibles Profil mit seinem API-Schlüssel hinzu.
probe_port_taken_hint = Möglicherweise verwendet ein anderes Programm den Port, den { $expected } normalerweise nutzt; wenn es sich um einen Modellserver handelt, fügen Sie ihn manuell als OpenAI-kompatibles Profil hinzu.
probe_add_by_hand_hint = Wenn es sich um einen Modellserver handelt, fügen Sie ihn manuell als OpenAI-kompatibles Profil hinzu.
probe_bad_extra_endpoint = Der zusätzliche Endpunkt „{ $endpoint }“ kann nicht geprüft werden: { $problem }.
probe_bad_extra_endpoint_hint = Geben Sie eine Basis-URL an, z. B. http://192.168.1.20:11434.
finding_needs_key_hint = { $name } verlangt einen API-Schlüssel: Fügen Sie ihn dem Profil hinzu.
finding_load_model_hint = { $kind ->
    [lm_studio] Laden Sie ein Modell in LM Studio (oder aktivieren Sie in den Servereinstellungen das Just-in-Time-Laden von Modellen).
    [jan] Starten Sie ein Modell in Jan: Seine API listet nur laufende Modelle auf.
    [text_generation_webui] Laden Sie ein Modell auf der Registerkarte Model von text-generation-webui.
    [llama_cpp] Laden Sie ein Modell in { $name }, oder starten Sie es mit einem Modell.
    [koboldcpp] Laden Sie ein Modell in { $name }, oder starten Sie es mit einem Modell.
   *[other] Laden Sie ein Modell in { $name }.
    }
finding_no_models_hint = { $kind ->
    [ollama] Laden Sie zuerst ein Modell herunter, zum Beispiel: ollama pull llama3.2
    [docker_model_runner] Laden Sie zuerst ein Modell herunter, zum Beispiel: docker model pull ai/smollm2
   *[other] Laden Sie ein Modell in { $name } herunter, oder installieren Sie eines.
    }
conflict_kind_mismatch = Profil „{ $profile }“ erwartet { $expected } unter { $address }, dort antwortet aber { $server }.
conflict_kind_mismatch_remedy = Ändern Sie den Anbieter des Profils auf { $kind } ({ $server }), oder richten Sie es auf den Server aus, für den es erstellt wurde.
conflict_key_required = { $server } unter { $address } verlangt jetzt einen API-Schlüssel, und Profil „{ $profile }“ hat keinen.
conflict_key_required_remedy = Fügen Sie dem Profil den API-Schlüssel des Servers hinzu.
conflict_no_model = { $server } unter { $address } bietet kein Modell an, also auch nicht „{ $model }“ aus Profil „{ $profile }“.
conflict_load_model_remedy = Laden Sie „{ $model }“ in { $server }.
conflict_model_not_offered = { $server } unter { $address } bietet „{ $model }“, das Modell von Profil „{ $profile }“, nicht an; angeboten werden: { $offered }.
conflict_model_not_offered_remedy = { $kind ->
    [ollama] Wählen Sie eines der angebotenen Modelle, oder laden Sie das Modell herunter (ollama pull { $model }).
    [docker_model_runner] Wählen Sie eines der angebotenen Modelle, oder laden Sie das Modell herunter (docker model pull { $model }).
   *[other] Wählen Sie eines der angebotenen Modelle, oder laden Sie das Modell in { $server }.
    }
conflict_port_moved = Profil „{ $profile }“ zeigt auf Port { $old_port }, wo kein { $server } antwortet; { $server } antwortet auf Port { $port }.
conflict_port_moved_remedy = Wenn es derselbe Server ist, ändern Sie den Endpunkt des Profils auf { $endpoint }.
settings_interval = Geben Sie { $min } bis { $max } Sekunden zwischen geplanten Suchläufen an (Standard: { $default }).
settings_too_many_endpoints = Geben Sie höchstens { $max } Endpunkte an.
settings_bad_endpoint = Geben Sie eine Basis-URL an, z. B. http://192.168.1.20:11434 (http oder https, ein Host und ein Port; kein Benutzername, keine Abfrage, kein Fragment und keine Steuerzeichen).
adopt_unknown_kind = kind muss eine der Arten sein, die die Erkennung meldet (ollama, lm_studio, ...)
adopt_no_model_listed = Der Server listet kein Modell auf: Laden Sie ein Modell (oder laden Sie eines herunter), und übernehmen Sie den Server dann mit dem Namen des Modells.
adopt_not_found = Kein Suchlauf hat diesen Server gefunden: Geben Sie das Modell an, oder führen Sie zuerst die Erkennung aus.

## Die Socket-Schicht (was Client-Entwickler sehen; $reason und $method sind technisch)

request_no_hello = kein hello innerhalb von { $seconds } s
request_before_hello = { $method } vor hello
request_unsupported_protocol = Protokoll { $asked } wird nicht unterstützt; dieser Agent spricht { $min } bis { $max }
request_not_a_request = Clients senden nur request- und cancel-Nachrichten
request_malformed_frame = der Frame ist nicht genau ein MessagePack-Wert; die Verbindung wird geschlossen
request_invalid_envelope = kein gültiger Envelope: { $reason }
request_too_many_values = der Frame enthält mehr als { $max } Werte; keine Anfrage braucht so viele
request_frame_too_large = ein Frame mit { $len } Bytes überschreitet das Limit von { $max } Bytes; die Verbindung wird geschlossen
request_frame_stalled = seit { $seconds } s kein Byte des aktuellen Frames; die Verbindung wird geschlossen
request_duplicate_id = die Anfrage-ID { $id } ist bereits in Bearbeitung
request_bad_correlation_id = correlation_id muss aus 1 bis { $max } druckbaren ASCII-Zeichen ohne Leerzeichen bestehen
request_too_many_in_flight = auf dieser Verbindung sind bereits { $max } Anfragen in Bearbeitung
request_another_user = dieser Agent bedient nur den Benutzer, der ihn gestartet hat
request_too_many_connections = der Agent bedient bereits { $max } Verbindungen
request_unknown_method = unbekannte Methode { $method }
request_bad_params = { $reason }
request_unencodable = die Antwort konnte nicht gesendet werden: { $reason }
request_panicked = beim Bearbeiten dieser Anfrage ist im Agenten ein interner Fehler aufgetreten
request_no_topics = geben Sie mindestens ein Thema an
request_too_many_subscriptions = diese Verbindung hat bereits { $max } Abonnements
request_no_such_subscription = diese Verbindung hat kein Abonnement { $subscription }
request_sweep_budget = timeout_ms muss zwischen { $min } und { $max } liegen (Millisekunden)
request_tutor_needs_profile = die Rolle tutor hat immer ein Profil: Geben Sie eines an
request_unknown_role = role muss einer der folgenden Werte sein: { $roles }
request_details_too_large = die Details des Fehlers waren zu groß zum Senden
request_send_hello_remedy = Senden Sie hello als erste Anfrage auf einer neuen Verbindung.
request_update_agent_remedy = Aktualisieren Sie llm-agent (der Client ist neuer als der Agent).
request_update_client_remedy = Aktualisieren Sie den Client (er ist älter, als dieser Agent unterstützt).
request_reconnect_remedy = Verbinden Sie sich erneut, sobald der Agent wieder läuft.
request_malformed_frame_remedy = Kodieren Sie jeden Frame als u32-Länge in Big-Endian, gefolgt von einer MessagePack-Map.
request_invalid_envelope_remedy = Senden Sie eine Map {"{"}type: "request", id, method, params{"}"}; siehe docs/protocol.md.
request_too_many_values_remedy = Senden Sie weniger Elemente in einer Anfrage.
request_frame_too_large_remedy = Teilen Sie die Anfrage auf, oder senden Sie weniger Daten; hello meldet max_frame_len.
request_frame_stalled_remedy = Senden Sie jeden Frame vollständig und ohne Pause.
request_duplicate_id_remedy = Verwenden Sie für jede Anfrage auf einer Verbindung eine neue ID.
request_too_many_in_flight_remedy = Warten Sie auf frühere Antworten, oder öffnen Sie eine weitere Verbindung.
request_too_many_connections_remedy = Schließen Sie ungenutzte Verbindungen, und versuchen Sie es erneut.
request_unknown_method_remedy = Die capabilities im Ergebnis von hello listen jede Methode auf, die dieser Agent bereitstellt.
request_bad_params_remedy = Die Parameter von { $method } finden Sie in docs/protocol.md.
request_unencodable_remedy = Fragen Sie weniger auf einmal ab (zum Beispiel mit einem kleineren limit).
request_too_many_subscriptions_remedy = Beenden Sie zuerst ein Abonnement; ein Abonnement kann mehrere Themen umfassen.
request_sweep_budget_remedy = Lassen Sie es weg, um den Standardwert von { $default } ms zu verwenden.

## Die barrierefreie Zusammenfassung eines Profils (profiles.list), für Screenreader und Banner
## $place: local oder remote; $key: stored, missing oder none; $last: none, ok oder failed.

profile_summary = { $name }: { $provider } { $place ->
        [local] auf diesem Computer
       *[remote] unter { $host }
    }, Modell { $model }; { $key ->
        [stored] API-Schlüssel gespeichert
        [missing] noch kein API-Schlüssel
       *[none] kein API-Schlüssel nötig
    }; { $last ->
        [ok] letzter Test oder Aufruf am { DATETIME($at) } erfolgreich.
        [failed] letzter Test oder Aufruf am { DATETIME($at) } fehlgeschlagen ({ $code }).
       *[none] noch nicht getestet.
    }
