# Die eigenen Texte von llm-console auf Deutsch (die Meldungen des Agenten stehen in agent/locales).

## Die Profiltabelle

header_name = NAME
header_provider = ANBIETER
header_model = MODELL
header_endpoint = ENDPUNKT
header_key = SCHLÜSSEL
header_active = AKTIV
header_id = ID
no_profiles_of_provider = keine Profile des Anbieters { $provider }
no_profiles = keine Profile; legen Sie eines mit `llm-console profiles create` an

## Sicherer Speicher und die Profildatei

safe_storage_state = sicherer Speicher: { $state ->
        [available] verfügbar
        [not_initialized] noch nicht eingerichtet (der erste API-Schlüssel richtet ihn ein)
        [unavailable] nicht verfügbar
        [key_missing] Schlüssel fehlt
        [unknown] noch nicht geprüft
       *[other] in einem Zustand, den diese Konsole nicht kennt
    }
profile_file_writable = Profildatei: beschreibbar
profile_file_read_only = Profildatei: schreibgeschützt ({ $problem })
profile_file_read_only_plain = Profildatei: schreibgeschützt

## Weitere Tabellen

header_status = STATUS
header_context = KONTEXT
header_input = EINGABE
header_output = AUSGABE
header_source = QUELLE
header_as_of = STAND
header_notes = HINWEISE
header_profile = PROFIL
header_calls = AUFRUFE
header_cost = KOSTEN
header_today = HEUTE
header_daily_cap = TAGESLIMIT
header_role = ROLLE
header_day = TAG
header_kind = ART
header_version = VERSION
header_models = MODELLE
header_latency = LATENZ

## Ein Profil

label_name = Name
label_id = ID
label_provider = Anbieter
label_endpoint = Endpunkt
label_model = Modell
label_api_key = API-Schlüssel
label_consent = Einwilligung
label_active = aktiv
label_created = erstellt
label_updated = geändert
label_labels = Labels
label_notes = Notizen
label_options = Optionen
key_none = keiner
yes = ja
no = nein
consent_given = erteilt { $at }
consent_withdrawn = widerrufen { $at } (Aufrufe werden abgelehnt, bis sie erneut erteilt wird)
consent_not_given = nicht erteilt

## Der Status des Agenten

status_agent = Agent
status_agent_value = { $version } (Protokoll { $protocol })
status_pid = PID
status_started = gestartet
status_started_value = { $at } (läuft seit { $uptime })
status_socket = Socket
status_data_dir = Datenordner
status_connections = Verbindungen
status_connections_value = { $open } offen, { $accepted } angenommen, { $refused } abgelehnt
status_requests = Anfragen
status_requests_value = { $total } gesamt, { $failed } fehlgeschlagen, { $in_flight } laufend
status_diagnostics = Diagnose
status_diagnostics_value = { $events } Ereignisse aufgezeichnet
status_restarts = Neustarts
status_restarts_value = { $restarts } Neustarts von Aktoren
status_tests = Tests
status_tests_value = { $running } Prompt-Tests laufen oder warten
