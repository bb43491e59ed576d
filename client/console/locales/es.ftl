# Los textos propios de llm-console en español (los mensajes del agente están en agent/locales).

## La tabla de perfiles

header_name = NOMBRE
header_provider = PROVEEDOR
header_model = MODELO
header_endpoint = ENDPOINT
header_key = CLAVE
header_active = ACTIVO
header_id = ID
no_profiles_of_provider = no hay perfiles del proveedor { $provider }
no_profiles = no hay perfiles; cree uno con `llm-console profiles create`

## El almacenamiento seguro y el archivo de perfiles

safe_storage_state = almacenamiento seguro: { $state ->
        [available] disponible
        [not_initialized] aún no configurado (la primera clave de API lo configura)
        [unavailable] no disponible
        [key_missing] falta la clave
        [unknown] aún no comprobado
       *[other] en un estado que esta consola no conoce
    }
profile_file_writable = archivo de perfiles: modificable
profile_file_read_only = archivo de perfiles: de solo lectura ({ $problem })
profile_file_read_only_plain = archivo de perfiles: de solo lectura

## Otras tablas

header_status = ESTADO
header_context = CONTEXTO
header_input = ENTRADA
header_output = SALIDA
header_source = FUENTE
header_as_of = A FECHA DE
header_notes = NOTAS
header_profile = PERFIL
header_calls = LLAMADAS
header_cost = COSTE
header_today = HOY
header_daily_cap = LÍMITE DIARIO
header_role = ROL
header_day = DÍA
header_kind = TIPO
header_version = VERSIÓN
header_models = MODELOS
header_latency = LATENCIA

## Un perfil

label_name = nombre
label_id = id
label_provider = proveedor
label_endpoint = endpoint
label_model = modelo
label_api_key = clave de API
label_consent = consentimiento
label_active = activo
label_created = creado
label_updated = modificado
label_labels = etiquetas
label_notes = notas
label_options = opciones
key_none = ninguna
yes = sí
no = no
consent_given = dado { $at }
consent_withdrawn = retirado { $at } (las llamadas se rechazan hasta que se vuelva a dar)
consent_not_given = no dado

## El estado del agente

status_agent = agente
status_agent_value = { $version } (protocolo { $protocol })
status_pid = pid
status_started = iniciado
status_started_value = { $at } (activo desde hace { $uptime })
status_socket = socket
status_data_dir = carpeta de datos
status_connections = conexiones
status_connections_value = { $open } abiertas, { $accepted } aceptadas, { $refused } rechazadas
status_requests = solicitudes
status_requests_value = { $total } en total, { $failed } fallidas, { $in_flight } en curso
status_diagnostics = diagnóstico
status_diagnostics_value = { $events } eventos registrados
status_restarts = reinicios
status_restarts_value = { $restarts } reinicios de actores
status_tests = pruebas
status_tests_value = { $running } pruebas de prompt en curso o en cola
