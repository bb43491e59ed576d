# Los mensajes de llm-agent en español, traducidos de en.ftl, el original que sigue cada traducción.
# Cada id y sus argumentos figuran en docs/messages.md. Argumentos en { $name };
# los números se escriben como los escribe el idioma; DATETIME($at) escribe un instante
# (en UTC), DATE($day) un día.

## Compartidos por varias áreas

fields_need_attention = { $count ->
    [one] 1 campo requiere atención
   *[other] { $count } campos requieren atención
}
fix_marked_fields = Corrija los campos marcados y vuelva a guardar.
check_disk_space = Compruebe que el disco tiene espacio libre y que se puede escribir en la carpeta de datos, y vuelva a intentarlo.
retry_with_correlation_id = Vuelva a intentarlo; si el problema persiste, notifíquelo indicando el ID de correlación.

## Perfiles

vault_not_found = ningún perfil tiene el ID { $id }
vault_not_found_remedy = Muestre la lista de perfiles para obtener los ID actuales; puede que el perfil se haya eliminado.
vault_name_conflict = ya hay otro perfil llamado «{ $name }»
vault_name_conflict_remedy = Elija otro nombre; los nombres que solo se diferencian en mayúsculas y minúsculas se consideran iguales.
vault_successor_required = el perfil { $id } es el activo: indique el perfil que se activará en su lugar (successor_id)
vault_successor_required_remedy = Elija qué perfil usar en su lugar y después elimine este.
vault_successor_not_found = el sucesor { $id } no es otro perfil existente
vault_successor_not_found_remedy = Elija otro perfil existente para usarlo en su lugar.
vault_consent_required = { $endpoint } no está en este equipo y el estudiante no ha aceptado enviar prompts allí
vault_consent_required_remedy = Los prompts enviados a este servidor salen de este equipo. Dé su consentimiento para usarlo o elija un servidor de este equipo.
vault_consent_withdrawn = { $endpoint } no está en este equipo y el estudiante retiró su consentimiento para enviar prompts allí ({ DATETIME($withdrawn_at) })
vault_consent_withdrawn_remedy = El perfil se conserva, pero no se envía nada a su servidor mientras el consentimiento esté retirado. Vuelva a dar su consentimiento para usarlo (profiles.update con consent_granted_at) o elija un servidor de este equipo.
vault_read_only_remedy = Los perfiles se pueden seguir usando, pero no modificar. Restaure profiles.json desde una copia de seguridad o muévalo a otro lugar para empezar de cero; el estado del agente indica qué le ocurre.
vault_not_written = no se pudo escribir el archivo de perfiles ({ $error }); no se ha cambiado nada
vault_restarting = el almacén de perfiles se está reiniciando; vuelva a intentarlo en un momento
vault_restarting_remedy = Vuelva a intentarlo en un momento; el agente reinicia su almacén de perfiles por sí solo.
vault_outcome_unknown = la confirmación del cambio tardó demasiado; se desconoce su resultado: muestre la lista de perfiles para ver si se aplicó
vault_outcome_unknown_remedy = Muestre la lista de perfiles para ver si el cambio se aplicó antes de volver a intentarlo.
vault_too_many_profiles = el almacén de perfiles admite como máximo { $max } perfiles; elimine uno primero
vault_too_many_profiles_remedy = Elimine un perfil que ya no use y vuelva a intentarlo.
vault_starting = el almacén de perfiles se está iniciando

## El archivo de perfiles (los perfiles no se pueden modificar mientras no se pueda usar)

store_unknown_schema = no se pueden modificar los perfiles: { $path } tiene una estructura inesperada (esquema desconocido); se ha dejado tal cual. Restáurelo desde una copia de seguridad o muévalo a otro lugar para empezar sin perfiles.
store_newer = no se pueden modificar los perfiles: { $path } lo escribió una versión más reciente de llm-agent (esquema { $schema }; esta conoce { $known }); aquí es de solo lectura. Actualice llm-agent.
store_not_json = no se pueden modificar los perfiles: { $path } no es JSON válido ({ $error }); se ha dejado tal cual. Restáurelo desde una copia de seguridad o muévalo a otro lugar para empezar sin perfiles.
store_bad_shape = no se pueden modificar los perfiles: { $path } tiene una estructura inesperada ({ $error }); se ha dejado tal cual. Restáurelo desde una copia de seguridad o muévalo a otro lugar para empezar sin perfiles.
store_unreadable = no se pueden modificar los perfiles: no se pudo leer { $path } ({ $error }); se ha dejado tal cual

## Almacenamiento seguro y el almacén de credenciales del sistema operativo

safe_storage_key_missing_remedy = La clave que protege las claves de API guardadas ya no está en el llavero del sistema, por lo que no se pueden leer las claves de API guardadas. Restablézcalas y vuelva a introducirlas; el resto de la configuración se conserva.
data_key_does_not_open = falta la clave del almacenamiento seguro: la clave del llavero del sistema operativo ya no abre las claves de API guardadas
data_key_damaged = falta la clave del almacenamiento seguro: la clave del llavero del sistema operativo está dañada
data_key_gone = falta la clave del almacenamiento seguro: la clave ya no está en el llavero del sistema operativo, pero las claves de API guardadas la necesitan
data_key_absent = falta la clave del almacenamiento seguro: no hay ninguna clave disponible para descifrar
saved_key_does_not_open = falta la clave del almacenamiento seguro: la clave de API guardada no se puede descifrar con la clave actual
keyring_refused = el almacenamiento seguro no está disponible: el llavero del sistema operativo está bloqueado o ha denegado el acceso ({ $error })
keyring_not_reached = el almacenamiento seguro no está disponible: no se puede acceder al llavero del sistema operativo ({ $error })
keyring_no_answer = el almacenamiento seguro no está disponible: el llavero del sistema operativo no respondió a tiempo
keyring_locked_linux = Desbloquee su llavero (inicie sesión en el escritorio o desbloquéelo en la aplicación Contraseñas y claves) y vuelva a intentarlo.
keyring_no_answer_linux = Si el sistema le pide que desbloquee su llavero, desbloquéelo; si no, reinicie su servicio de llavero (GNOME Keyring o KeePassXC). Después, vuelva a intentarlo; no se ha cambiado nada de lo guardado.
keyring_unreachable_linux = Inicie un proveedor de Secret Service (GNOME Keyring o KeePassXC) en su sesión de escritorio y vuelva a intentarlo; no se ha cambiado nada de lo guardado.
keyring_no_session_bus = Esta sesión no tiene bus de sesión D-Bus, así que no se puede acceder a ningún Secret Service (un equipo sin escritorio, o ssh). Ejecute el agente dentro de su sesión de escritorio; o bien, solo para probar llm-agent desde su copia del código fuente, ejecute scripts/try-agent (un llavero desechable: no apto para claves de API reales). No se ha cambiado nada de lo guardado.
keyring_locked_macos = Su llavero de inicio de sesión está bloqueado, no existe o es de solo lectura: desbloquéelo en Acceso a Llaveros (o vuelva a iniciar sesión) y vuelva a intentarlo.
keyring_no_answer_macos = macOS está esperando una respuesta sobre su llavero de inicio de sesión: busque un cuadro de diálogo que le pida desbloquearlo o permitir que llm-agent use su clave, y respóndalo (Permitir siempre). Después, vuelva a intentarlo; no se ha cambiado nada de lo guardado.
keyring_unreachable_macos = macOS no permitió que llm-agent usara su clave del llavero de inicio de sesión. Si apareció un cuadro de diálogo, elija Permitir siempre; si el llavero de inicio de sesión está bloqueado, desbloquéelo en Acceso a Llaveros. Después, vuelva a intentarlo; no se ha cambiado nada de lo guardado.
keyring_locked_windows = El Administrador de credenciales de Windows no tiene una sesión de inicio para este proceso: ejecute llm-agent en su propia sesión iniciada (la aplicación lo inicia ahí) y vuelva a intentarlo.
keyring_no_answer_windows = El Administrador de credenciales de Windows no respondió a tiempo: vuelva a intentarlo en un momento; si el problema persiste, reinicie el servicio Administrador de credenciales (VaultSvc) o cierre la sesión y vuelva a iniciarla. No se ha cambiado nada de lo guardado.
keyring_unreachable_windows = No se pudo usar el Administrador de credenciales de Windows. Inicie sesión en Windows con su propia cuenta (no mediante una cuenta de servicio), compruebe que el servicio Administrador de credenciales (VaultSvc) se está ejecutando y vuelva a intentarlo; no se ha cambiado nada de lo guardado.
keyring_unsupported = Este sistema no tiene ningún almacén de credenciales que llm-agent pueda usar; los perfiles se pueden seguir leyendo.

## Campos de un perfil

field_name_required = Dé un nombre al perfil, por ejemplo, «Local Llama».
field_provider_required = Elija un proveedor: { $providers }.
field_provider_unknown = Proveedor desconocido; elija uno de estos: { $providers }.
field_model_required = Indique el modelo que se usará, por ejemplo, «llama3.2» o «gpt-4o-mini».
field_api_key_required = { $provider } necesita una clave de API: pegue la clave desde la configuración de API de su cuenta.
field_consent_required = Este servidor no está en este equipo, así que los prompts que se le envíen salen de este equipo: dé su consentimiento para usarlo.
field_too_long = Use como máximo { $max } caracteres.
field_control_characters = Elimine los saltos de línea y otros caracteres de control.
field_endpoint_required = Indique la URL base del servidor, por ejemplo, http://127.0.0.1:11434.
field_endpoint_control_characters = Elimine de la URL los saltos de línea, las tabulaciones y otros caracteres de control.
field_endpoint_not_a_url = No es una URL ({ $reason }): indique una URL base, por ejemplo, http://127.0.0.1:11434.
field_endpoint_not_http = Use una URL http:// o https://.
field_endpoint_credentials = Elimine el nombre de usuario y la contraseña de la URL; ponga en su lugar una clave en api_key.
field_endpoint_query_or_fragment = Elimine la consulta (?…) o el fragmento (#…): indique solo la URL base.
field_endpoint_no_host = Indique el host del servidor, por ejemplo, http://127.0.0.1:11434.
field_consent_in_future = La hora del consentimiento está en el futuro: envíe la hora en que el estudiante dio su consentimiento.
field_consent_not_a_time = Envíe la hora en que el estudiante dio su consentimiento en formato RFC 3339, por ejemplo, 2026-11-21T10:00:00Z.
field_too_many_labels = Use como máximo { $max } etiquetas.
field_label_invalid = Una etiqueta tiene de 1 a { $max } caracteres y ningún salto de línea.
field_parallelism_invalid = Indique un número entero del 1 al { $max }: cuántas solicitudes pueden ir a este endpoint a la vez.
field_azure_option_required = Azure OpenAI necesita la opción { $option }: la encontrará en Azure Portal, en la implementación del modelo.
field_too_many_options = Use como máximo { $max } opciones.
field_option_name_invalid = Los nombres de opción tienen de 1 a { $max } letras, dígitos, '_', '-' o '.'.
field_option_value_invalid = Los valores de opción tienen como máximo { $max } caracteres y ningún salto de línea.
field_api_key_empty = Pegue la clave de API u omita el campo.
field_api_key_too_long = Es más larga que cualquier clave de API: compruebe lo que se ha pegado.
field_api_key_whitespace = Elimine los espacios y saltos de línea de la clave (puede que se hayan añadido al copiar y pegar).

## Llamadas al modelo (pruebas de prompts y llamadas de chat) que fallaron en el proveedor
## $said es el mensaje propio del proveedor tras «: », o vacío; $name, el nombre del proveedor.

agent_shutting_down = el agente se está cerrando
call_after_shutdown_remedy = Vuelva a intentarlo cuando el agente vuelva a estar disponible.
call_internal = { $what }
call_key_unusable = la clave de API guardada no se puede enviar en una cabecera HTTP
call_key_unusable_remedy = Vuelva a introducir la clave de API: cópiela exactamente, sin espacios ni saltos de línea.
call_key_missing = { $name } necesita una clave de API y este perfil no tiene ninguna
call_key_missing_remedy = { $provider ->
    [openai] Añada la clave de API a este perfil. Las claves están en platform.openai.com → API keys.
    [anthropic] Añada la clave de API a este perfil. Las claves están en console.anthropic.com → API keys.
    [azure_openai] Añada la clave de API a este perfil. Las claves están en Azure Portal: el recurso → Claves y punto de conexión.
   *[other] Añada la clave de API a este perfil.
    }
call_wrong_path = { $name } respondió HTTP { $status } en { $path }: en esa ruta no se ofrece { $api ->
    [openai] la API de chat completions de OpenAI
    [ollama] la API de Ollama
    [anthropic] la API Messages de Anthropic
   *[azure] la API de Azure OpenAI
    }
call_server_failed = { $name } falló con HTTP { $status }{ $said }
call_server_failed_local_remedy = Revise la salida de consola de { $name }: puede que el modelo no se haya podido cargar (¿memoria insuficiente?). Después, vuelva a intentarlo.
call_server_failed_remote_remedy = { $name } tiene un problema por su parte: vuelva a intentarlo dentro de un minuto y, si persiste, consulte su página de estado.
call_refused = { $name } rechazó la solicitud con HTTP { $status }{ $said }
call_refused_remedy = Compruebe el modelo y las opciones del perfil con la documentación del proveedor.
call_reported_error = { $name } informó de un error a mitad de la respuesta{ $said }
call_reported_error_remedy = Vuelva a intentarlo; si el problema persiste, puede que el modelo esté sobrecargado o mal configurado en el servidor.
call_key_asked_remedy = { $provider ->
    [openai] { $name } pide una clave de API: añada una a este perfil. Las claves están en platform.openai.com → API keys.
    [anthropic] { $name } pide una clave de API: añada una a este perfil. Las claves están en console.anthropic.com → API keys.
    [azure_openai] { $name } pide una clave de API: añada una a este perfil. Las claves están en Azure Portal: el recurso → Claves y punto de conexión.
   *[other] { $name } pide una clave de API: añada una a este perfil.
    }
call_key_forbidden_remedy = { $name } aceptó la clave, pero no permite usarla con este modelo o endpoint: compruebe el proyecto, los permisos o la región de la clave.
call_key_refused_remedy = { $provider ->
    [openai] Compruebe la clave de API en platform.openai.com → API keys y actualice después la clave de este perfil.
    [anthropic] Compruebe la clave de API en console.anthropic.com → API keys y actualice después la clave de este perfil.
    [azure_openai] Use una de las claves del recurso (Azure Portal → el recurso → Claves y punto de conexión); debe pertenecer al recurso de este endpoint.
   *[other] Compruebe qué clave de API espera { $name } y actualice después la clave de este perfil.
    }
call_key_refused = { $name } rechazó la clave de API (HTTP { $status }){ $said }
call_quota_used_up = { $name } indica que la cuota de la cuenta se ha agotado{ $said }
call_quota_used_up_remedy = Añada saldo o aumente el límite de gasto en la configuración de facturación del proveedor; esperar no servirá de nada.
call_rate_limited_wait_remedy = Espere { NUMBER($seconds, maximumFractionDigits: 0) } s y vuelva a intentarlo; si sigue ocurriendo, compruebe los límites de frecuencia del plan.
call_rate_limited_remedy = Espere un momento y vuelva a intentarlo; si sigue ocurriendo, compruebe los límites de frecuencia del plan.
call_rate_limited = { $name } está limitando la frecuencia de las solicitudes (HTTP 429){ $said }
call_overloaded = { $name } está sobrecargado (HTTP { $status }){ $said }
call_overloaded_remedy = { $name } está ocupado ahora mismo: vuelva a intentarlo en un momento.
call_model_not_found = { $provider ->
    [ollama] Ollama no tiene ningún modelo llamado `{ $model }`{ $said }
    [azure_openai] Azure OpenAI no tiene ninguna implementación llamada `{ $deployment }`{ $said }
    [lm_studio] LM Studio no tiene cargado el modelo `{ $model }`{ $said }
    [vllm] vLLM no ofrece `{ $model }`{ $said }
    [openai] OpenAI no tiene el modelo `{ $model }` para esta clave{ $said }
    [anthropic] Anthropic no tiene el modelo `{ $model }`{ $said }
   *[other] { $name } no ofrece ningún modelo llamado `{ $model }`{ $said }
    }
call_model_not_found_remedy = { $provider ->
    [ollama] El modelo no está descargado: ejecute `ollama pull { $model }` o elija uno de los que muestra `ollama list`.
    [azure_openai] Compruebe el nombre de la implementación (metadata.options.deployment) en el portal de Azure AI Foundry; una implementación nueva puede tardar unos minutos en aparecer.
    [lm_studio] Cargue el modelo en LM Studio (o con `lms load { $model }`) o elija uno de los modelos que muestra el servidor de LM Studio.
    [vllm] vLLM ofrece el modelo con el que se inició: use ese nombre (GET /v1/models lo muestra).
    [openai] Compruebe el ID del modelo (por ejemplo, gpt-4o-mini) y que el proyecto de la clave pueda usarlo.
    [anthropic] Compruebe el ID del modelo (por ejemplo, claude-sonnet-4-5); los ID de modelo figuran en docs.anthropic.com.
   *[other] Use un nombre de modelo que muestre el servidor (GET /v1/models en servidores compatibles con OpenAI).
    }
call_wrong_path_openai_remedy = Compruebe la URL base y el tipo de proveedor: este servidor no ofrece la API de OpenAI en esta ruta.
call_wrong_path_add_v1_remedy = Puede que la URL base necesite `/v1`: pruebe { $url }.
call_wrong_path_remedy = { $api ->
    [ollama] Esta dirección no ofrece la API de Ollama: compruebe el puerto (Ollama escucha en el 11434) o el tipo de proveedor.
    [anthropic] Use https://api.anthropic.com como URL base.
   *[azure] Use el endpoint del recurso (https://RESOURCE.openai.azure.com) y compruebe la opción api_version.
    }
call_invalid_shape = { $status ->
    [none] { $name } respondió
   *[other] { $name } respondió (HTTP { $status })
    }, pero no con el formato de { $api ->
    [openai] la API de chat completions de OpenAI
    [ollama] la API de Ollama
    [anthropic] la API Messages de Anthropic
   *[azure] la API de Azure OpenAI
    }: { $what }
call_invalid_shape_remedy = Compruebe el tipo de proveedor y la URL base: { $api ->
    [openai] un servidor compatible con OpenAI necesita su URL base con /v1 (por ejemplo, http://127.0.0.1:1234/v1).
    [ollama] la URL base de Ollama no tiene ruta (http://127.0.0.1:11434).
    [anthropic] la URL base de Anthropic es https://api.anthropic.com.
   *[azure] la URL base de Azure OpenAI es https://RESOURCE.openai.azure.com.
    }
call_redirected = { $to ->
    [none] { $name } respondió HTTP { $status } y redirigió a otra dirección
   *[other] { $name } respondió HTTP { $status } y redirigió a `{ $to }`
    }
call_redirected_remedy = Cambie el endpoint del perfil a la dirección a la que redirige el servidor (a menudo http:// → https://, o una ruta añadida al final).
call_cut_short = la respuesta de { $name } se interrumpió antes de completarse ({ $why })
call_cut_short_remedy = Puede que el servidor se haya bloqueado o haya cortado la conexión: vuelva a intentarlo y, si se repite, revise sus registros.
call_refused_connection = no hay nada escuchando en { $address } (conexión rechazada)
call_dns_failed = no se pudo resolver el nombre de host { $host }
call_dns_failed_remedy = Compruebe la ortografía del endpoint y la conexión a Internet de este equipo.
call_no_connection = no hay conexión con { $address }: { $detail }
call_no_connection_remote_remedy = Compruebe la conexión a Internet de este equipo, si hay un cortafuegos o un proxy, y el nombre de host del endpoint.
call_tls_local_remedy = Un servidor en este equipo suele usar HTTP sin cifrar: pruebe http://{ $address } como endpoint.
call_tls_certificate_remedy = Este equipo no confía en el certificado del servidor: compruebe el endpoint o instale el certificado raíz de su organización.
call_tls_remedy = Compruebe que el endpoint use https:// solo si el servidor usa TLS.
call_tls_failed = la conexión TLS con { $address } falló: { $detail }
call_not_http = { $name } en { $address } no respondió en HTTP: { $detail }
call_not_http_try_https_remedy = Puede que el servidor use HTTPS: pruebe https://{ $address } o compruebe el puerto.
call_not_http_remedy = Compruebe el puerto: puede que ahí esté escuchando otro tipo de servidor.
call_check_connection_remedy = Compruebe la conexión a Internet de este equipo y el host y el puerto del endpoint.
call_start_server_remedy = { $provider ->
    [ollama] Ollama no se está ejecutando: inícielo con `ollama serve` (o abra la aplicación de Ollama).
    [lm_studio] Inicie el servidor de LM Studio: pestaña Developer → Start Server, o `lms server start`.
    [llama_cpp] Inicie el servidor de llama.cpp: `llama-server -m MODEL.gguf --port { $port }`.
    [vllm] Inicie vLLM: `vllm serve { $model } --port { $port }`.
    [localai] Inicie LocalAI (por ejemplo, con `local-ai run`) y compruebe su puerto.
    [koboldcpp] Inicie KoboldCpp con un modelo cargado y compruebe su puerto (5001 de forma predeterminada).
    [text_generation_webui] Inicie text-generation-webui con `--api` (puerto 5000 de forma predeterminada).
    [jan] Active el servidor de API local de Jan (Settings → Local API Server).
    [gpt4all] Active el servidor de API de GPT4All (Settings → Enable Local API Server).
    [docker_model_runner] Habilite Docker Model Runner con acceso TCP: `docker desktop enable model-runner --tcp 12434`.
   *[other] Inicie el servidor del modelo o corrija el puerto ({ $port }) en el endpoint.
    }
call_timed_out_queued = la solicitud esperó { NUMBER($seconds) } s a que terminaran otras solicitudes a { $name }
call_timed_out_queued_remedy = Espere a que terminen las demás solicitudes o aumente la opción parallelism del perfil.
call_timed_out_connecting = no se pudo conectar con { $address } en { NUMBER($seconds) } s
call_timed_out_connecting_remedy = Compruebe la red, si hay un cortafuegos o un proxy, y el host y el puerto del endpoint.
call_timed_out_local = { $name } aceptó la solicitud, pero no respondió en { NUMBER($seconds) } s
call_timed_out_local_remedy = Puede que un modelo grande aún se esté cargando en memoria: vuelva a intentarlo en un momento o con un tiempo de espera más largo.
call_timed_out_remote = { $name } no respondió en { NUMBER($seconds) } s
call_timed_out_remote_remedy = El proveedor va lento en este momento: vuelva a intentarlo, o hágalo con un tiempo de espera más largo.
call_timed_out_generating = la respuesta de { $name } no terminó en { NUMBER($seconds) } s
call_timed_out_generating_remedy = El modelo está generando despacio (¿se ejecuta en la CPU?): vuelva a intentarlo con un tiempo de espera más largo.

## El catálogo

catalog_field_model_id = Un ID de modelo tiene de 1 a { $max } caracteres y ningún salto de línea.
catalog_field_display_name = Un nombre visible tiene de 1 a { $max } caracteres y ningún salto de línea.
catalog_field_context_window = Indique la ventana de contexto en tokens (de 1 a { NUMBER($max) }).
catalog_field_price = Indique un precio en USD por millón de tokens, de 0 a { NUMBER($max) }.
catalog_field_parallelism = Indique de 1 a { $max } solicitudes simultáneas (nil: el valor predeterminado).
catalog_too_many_models = Se pueden añadir o editar como máximo { $max } modelos.
catalog_unreadable = no se puede leer catalog.json ({ $error }); los cambios del estudiante en el catálogo se ignoran hasta que se corrija o se elimine el archivo
catalog_newer = catalog.json lo escribió un agente más reciente (esquema { $schema }); los cambios del estudiante en el catálogo se ignoran
catalog_unknown_provider = el catálogo no tiene ningún proveedor «{ $provider }»
catalog_unknown_provider_remedy = catalog.list muestra todos los proveedores.
catalog_unknown_model = el catálogo no tiene ningún modelo «{ $model }» para { $provider }
catalog_unknown_model_remedy = catalog.list muestra los modelos del proveedor; catalog.upsert_model añade uno.
catalog_read_only_remedy = Saque catalog.json de la carpeta de datos (sin él se usa el catálogo incluido) o restáurelo desde una copia de seguridad.
catalog_not_saved = no se pudieron guardar los cambios del catálogo ({ $error }); no se ha cambiado nada
catalog_restarting = el catálogo se está reiniciando; vuelva a intentarlo en un momento
catalog_restarting_remedy = Vuelva a intentarlo en un momento; el agente reinicia su catálogo por sí solo.

## Avisos sobre un perfil guardado

warning_key_and_consent_dropped = El endpoint apunta ahora a otro servidor, así que se han eliminado la clave de API guardada y el consentimiento para enviar prompts allí: vuelva a indicarlos para el nuevo servidor.
warning_key_dropped = El endpoint apunta ahora a otro servidor, así que se ha eliminado la clave de API guardada: vuelva a introducirla para el nuevo servidor.
warning_consent_dropped = El endpoint apunta ahora a otro servidor, así que se ha eliminado el consentimiento para enviar prompts allí: vuelva a dar su consentimiento para el nuevo servidor.
warning_model_deprecated = { $model } está marcado como obsoleto en el catálogo: puede dejar de funcionar; elija otro modelo de { $provider } cuando pueda.
warning_model_not_offered = el servidor de { $endpoint } no ofrece { $model }: descárguelo o cárguelo allí, o elija uno de los modelos que muestra (profiles.models)

## Gastos

usage_bad_day = { $field } debe ser un día con el formato YYYY-MM-DD
usage_bad_day_remedy = Envíe una fecha UTC, por ejemplo, 2026-01-31, u omítala.
usage_range_reversed = `from` es posterior a `to`
usage_range_reversed_remedy = Envíe como `from` el día más antiguo.
usage_range_too_long = el intervalo abarca más de { $max } días
usage_range_too_long_remedy = Solicite como máximo un año, en varias solicitudes si es necesario.
usage_cap_out_of_range = daily_cap_usd debe ser mayor que 0 y como máximo { NUMBER($max) }
usage_cap_out_of_range_remedy = Envíe un importe en USD, o nil para quitar el límite.
usage_cap_reached = se ha alcanzado el límite de gasto diario del perfil de { NUMBER($cap_usd, minimumFractionDigits: 2, maximumFractionDigits: 2) } USD: hoy ({ DATE($day) }, UTC) se han gastado { NUMBER($spent_usd, minimumFractionDigits: 4, maximumFractionDigits: 4) } USD
usage_cap_reached_remedy = Las llamadas a este perfil volverán a funcionar mañana (UTC); para continuar hoy, aumente o quite su límite con usage.set_cap.
usage_not_written = no se pudieron escribir los totales de gasto: { $error }

## Detección

settings_need_attention = { $count ->
    [one] 1 ajuste requiere atención
   *[other] { $count } ajustes requieren atención
    }
fix_marked_settings = Corrija los ajustes marcados y vuelva a guardar.
discovery_not_saved = no se pudieron guardar los ajustes de detección ({ $error }); no se ha cambiado nada
discovery_sweep_failed = no se pudo ejecutar la exploración: { $error }
discovery_restarting = la detección se está reiniciando; vuelva a intentarlo en un momento
discovery_restarting_remedy = Vuelva a intentarlo en un momento; el agente reinicia la detección por sí solo.

## Preparación de una llamada

call_bad_endpoint = el endpoint del perfil no es una URL válida
call_bad_endpoint_remedy = Edite el endpoint del perfil y vuelva a intentarlo.
call_key_read_timed_out = leer la clave de API del perfil tardó más que el tiempo de espera de la llamada
call_key_read_timed_out_remedy = Vuelva a intentarlo; puede que el almacén de credenciales del sistema operativo haya tardado en responder.
calls_restarting = el servicio de llamadas al modelo del agente se está reiniciando; vuelva a intentarlo en un momento
calls_restarting_remedy = Vuelva a intentarlo en un momento; el agente reinicia el servicio por sí solo.
calls_queue_full = ya hay { $waiting } llamadas esperando a { $host }
calls_queue_full_remedy = Espere a que terminen algunas o aumente el paralelismo (parallelism) del proveedor si su servidor admite más.
request_cancelled = el cliente canceló la solicitud
call_cancelled_remedy = No hay que hacer nada: la llamada se detuvo a petición.

## Pruebas de prompts

test_timeout_out_of_range = timeout_ms debe estar entre 1 y { $max } (milisegundos)
test_prompt_out_of_range = prompt debe tener de 1 a { $max } caracteres
test_timeout_default_remedy = Omítalo para usar el valor predeterminado de { $seconds } s.
test_prompt_default_remedy = Omítalo para usar el prompt de prueba integrado.

## Llamadas de chat

chat_no_target = indique el perfil al que llamar: profile_id o role
chat_two_targets = indique profile_id o role, no ambos
chat_unknown_role = role debe ser tutor o infrastructure
chat_role_unbound = ningún perfil desempeña el rol { $role }: no hay perfiles
chat_role_unbound_remedy = Cree primero un perfil; el primero desempeña todos los roles.
chat_message_count = messages debe contener de 1 a { $max } mensajes
chat_message_length = un mensaje debe tener de 1 a { $max } caracteres
chat_only_system = al menos un mensaje debe proceder del usuario o del asistente
chat_too_much_text = los mensajes y las secuencias de parada superan en conjunto los { $max } bytes
chat_too_much_text_remedy = Envíe menos mensajes o mensajes más cortos: quite los turnos más antiguos de la conversación.
chat_max_tokens = max_tokens debe estar entre 1 y { $max }
chat_temperature = temperature debe estar entre 0 y { NUMBER($max) } para este proveedor
chat_stop_count = stop admite como máximo { $max } secuencias
chat_stop_length = una secuencia de parada debe tener de 1 a { $max } caracteres
chat_timeout = timeout_ms debe estar entre 1 y { $max } (milisegundos)

## Diagnóstico y paquetes de soporte

diagnostics_restarting = el servicio de diagnóstico se está reiniciando; vuelva a intentarlo en un momento
diagnostics_restarting_remedy = Vuelva a intentarlo en un momento; el agente reinicia su servicio de diagnóstico por sí solo.
diagnostics_bad_time = { $field } debe ser una hora en formato RFC 3339, por ejemplo, 2026-11-21T09:00:00Z
diagnostics_bad_cursor = cursor debe ser un next_cursor de un resultado anterior
diagnostics_bad_cursor_remedy = Omítalo para obtener los eventos más recientes.
diagnostics_bad_path_remedy = Indique una ruta absoluta en una carpeta existente; active overwrite para reemplazar un archivo.
diagnostics_export_failed = no se pudo escribir el paquete de soporte ({ $error })
bundle_path_not_absolute = el paquete de soporte no se puede escribir ahí: la ruta no es absoluta
bundle_path_no_file = el paquete de soporte no se puede escribir ahí: la ruta no indica ningún archivo
bundle_path_no_folder = el paquete de soporte no se puede escribir ahí: la carpeta no existe
bundle_path_is_folder = el paquete de soporte no se puede escribir ahí: la ruta es una carpeta
bundle_path_exists = el paquete de soporte no se puede escribir ahí: ya hay un archivo ahí

## El registro de auditoría

audit_not_written = no se pudo escribir el registro de auditoría ({ $error }); no se ha cambiado nada
audit_not_running = el registro de auditoría no está en funcionamiento
audit_not_running_remedy = Reinicie el agente; si el problema persiste, notifíquelo adjuntando el log del agente.
limit_out_of_range = limit debe estar entre 1 y { $max }

## Detección: sondeos, hallazgos y conflictos con perfiles

probe_no_answer = { $address } aceptó la conexión, pero no respondió a tiempo.
probe_needs_credentials = { $address } rechaza las solicitudes sin credenciales (HTTP 401/403).
probe_stopped_answering = { $address } respondió una vez, pero después no respondió a tiempo.
probe_not_recognised = { $expected ->
    [none] { $address } responde en HTTP, pero no como ningún servidor de modelos que conozca la detección.
   *[other] { $address } responde en HTTP, pero no como ningún servidor de modelos que conozca la detección (se esperaba { $expected }).
    }
probe_nothing_listens = No hay nada escuchando en { $address }.
probe_cannot_connect = No se puede conectar con { $address }: { $detail }.
probe_dns_failed = El nombre de host de { $address } no se puede resolver.
probe_tls_failed = El handshake TLS con { $address } falló ({ $detail }): compruebe si corresponde http:// o https://.
probe_not_http = { $address } aceptó la conexión, pero no respondió en HTTP ({ $detail }).
probe_not_running_hint = Inicie el servidor o compruebe la dirección y el puerto.
probe_not_responding_hint = El servidor aceptó la conexión, pero no envió nada en { $ms } ms: puede que esté ocupado (cargando un modelo) o bloqueado. Espere o reinícielo.
probe_needs_key_hint = El servidor pide credenciales, pero no indica qué es: si es un servidor de modelos, añádalo a mano como perfil compatible con OpenAI con su clave de API.
probe_port_taken_hint = Puede que otro programa esté usando el puerto que suele usar { $expected }; si es un servidor de modelos, añádalo a mano como perfil compatible con OpenAI.
probe_add_by_hand_hint = Si es un servidor de modelos, añádalo a mano como perfil compatible con OpenAI.
probe_bad_extra_endpoint = El endpoint adicional «{ $endpoint }» no se puede sondear: { $problem }.
probe_bad_extra_endpoint_hint = Indique una URL base, por ejemplo, http://192.168.1.20:11434.
finding_needs_key_hint = { $name } pide una clave de API: añádala al perfil.
finding_load_model_hint = { $kind ->
    [lm_studio] Cargue un modelo en LM Studio (o active la carga de modelos just-in-time en los ajustes de su servidor).
    [jan] Inicie un modelo en Jan: su API solo muestra los modelos en ejecución.
    [text_generation_webui] Cargue un modelo en la pestaña Model de text-generation-webui.
    [llama_cpp] Cargue un modelo en { $name } o inícielo con uno.
    [koboldcpp] Cargue un modelo en { $name } o inícielo con uno.
   *[other] Cargue un modelo en { $name }.
    }
finding_no_models_hint = { $kind ->
    [ollama] Descargue primero un modelo, por ejemplo: ollama pull llama3.2
    [docker_model_runner] Descargue primero un modelo, por ejemplo: docker model pull ai/smollm2
   *[other] Descargue o instale un modelo en { $name }.
    }
conflict_kind_mismatch = El perfil «{ $profile }» espera { $expected } en { $address }, pero ahí responde { $server }.
conflict_kind_mismatch_remedy = Cambie el proveedor del perfil a { $kind } ({ $server }) o apúntelo al servidor para el que se creó.
conflict_key_required = { $server } en { $address } ahora pide una clave de API y el perfil «{ $profile }» no tiene ninguna.
conflict_key_required_remedy = Añada al perfil la clave de API del servidor.
conflict_no_model = { $server } en { $address } no ofrece ningún modelo, así que tampoco «{ $model }» del perfil «{ $profile }».
conflict_load_model_remedy = Cargue «{ $model }» en { $server }.
conflict_model_not_offered = { $server } en { $address } no ofrece «{ $model }», el modelo del perfil «{ $profile }»; ofrece { $offered }.
conflict_model_not_offered_remedy = { $kind ->
    [ollama] Elija uno de los modelos que ofrece o descargue el modelo (ollama pull { $model }).
    [docker_model_runner] Elija uno de los modelos que ofrece o descargue el modelo (docker model pull { $model }).
   *[other] Elija uno de los modelos que ofrece o cargue el modelo en { $server }.
    }
conflict_port_moved = El perfil «{ $profile }» apunta al puerto { $old_port }, donde no responde ningún { $server }; { $server } responde en el puerto { $port }.
conflict_port_moved_remedy = Si es el mismo servidor, cambie el endpoint del perfil a { $endpoint }.
settings_interval = Indique de { $min } a { $max } segundos entre exploraciones programadas ({ $default } es el valor predeterminado).
settings_too_many_endpoints = Indique como máximo { $max } endpoints.
settings_bad_endpoint = Indique una URL base, por ejemplo, http://192.168.1.20:11434 (http o https, un host y un puerto; sin nombre de usuario, consulta, fragmento ni caracteres de control).
adopt_unknown_kind = kind debe ser uno de los tipos que indica la detección (ollama, lm_studio, ...)
adopt_no_model_listed = El servidor no muestra ningún modelo: cargue o descargue uno y, después, adopte el servidor indicando el nombre del modelo.
adopt_not_found = Ninguna exploración encontró este servidor: indique el modelo o ejecute primero la detección.

## La capa de sockets (lo que ve quien desarrolla un cliente; $reason y $method son técnicos)

request_no_hello = no se recibió hello en { $seconds } s
request_before_hello = { $method } antes de hello
request_unsupported_protocol = el protocolo { $asked } no es compatible; este agente admite de { $min } a { $max }
request_not_a_request = los clientes solo envían mensajes request y cancel
request_malformed_frame = la trama no es exactamente un valor MessagePack; se cierra la conexión
request_invalid_envelope = no es un sobre válido: { $reason }
request_too_many_values = la trama contiene más de { $max } valores; ninguna solicitud necesita tantos
request_frame_too_large = la trama de { $len } bytes supera el límite de { $max } bytes; se cierra la conexión
request_frame_stalled = ningún byte de la trama actual en { $seconds } s; se cierra la conexión
request_duplicate_id = la solicitud con ID { $id } ya está en curso
request_bad_correlation_id = correlation_id debe tener de 1 a { $max } caracteres ASCII imprimibles sin espacios
request_too_many_in_flight = ya hay { $max } solicitudes en curso en esta conexión
request_another_user = este agente solo atiende al usuario que lo inició
request_too_many_connections = el agente ya atiende { $max } conexiones
request_unknown_method = método desconocido { $method }
request_bad_params = { $reason }
request_unencodable = no se pudo enviar la respuesta: { $reason }
request_panicked = el agente sufrió un error interno al atender esta solicitud
request_no_topics = indique al menos un tema
request_too_many_subscriptions = esta conexión ya tiene { $max } suscripciones
request_no_such_subscription = esta conexión no tiene ninguna suscripción { $subscription }
request_sweep_budget = timeout_ms debe estar entre { $min } y { $max } (milisegundos)
request_tutor_needs_profile = el rol tutor siempre tiene un perfil: indique uno
request_unknown_role = role debe ser uno de estos valores: { $roles }
request_details_too_large = los detalles del error eran demasiado grandes para enviarlos
request_send_hello_remedy = Envíe hello como primera solicitud en una conexión nueva.
request_update_agent_remedy = Actualice llm-agent (el cliente es más reciente que el agente).
request_update_client_remedy = Actualice el cliente (es más antiguo de lo que admite este agente).
request_reconnect_remedy = Vuelva a conectarse cuando el agente esté de nuevo en ejecución.
request_malformed_frame_remedy = Codifique cada trama como una longitud u32 big-endian seguida de un mapa MessagePack.
request_invalid_envelope_remedy = Envíe un mapa {"{"}type: "request", id, method, params{"}"}; consulte docs/protocol.md.
request_too_many_values_remedy = Envíe menos elementos en una misma solicitud.
request_frame_too_large_remedy = Divida la solicitud o envíe menos datos; hello informa de max_frame_len.
request_frame_stalled_remedy = Envíe cada trama completa, sin pausas.
request_duplicate_id_remedy = Use un ID nuevo para cada solicitud de una conexión.
request_too_many_in_flight_remedy = Espere a las respuestas anteriores o abra otra conexión.
request_too_many_connections_remedy = Cierre las conexiones inactivas y vuelva a intentarlo.
request_unknown_method_remedy = Las capabilities del resultado de hello enumeran todos los métodos que atiende este agente.
request_bad_params_remedy = Consulte en docs/protocol.md los parámetros de { $method }.
request_unencodable_remedy = Pida menos a la vez (por ejemplo, un limit más pequeño).
request_too_many_subscriptions_remedy = Cancele primero una suscripción; una suscripción puede incluir varios temas.
request_sweep_budget_remedy = Omítalo para usar el valor predeterminado de { $default } ms.

## El resumen accesible de un perfil (profiles.list), para lectores de pantalla y banners
## $place: local o remote; $key: stored, missing o none; $last: none, ok o failed.

profile_summary = { $name }: { $provider } { $place ->
        [local] en este equipo
       *[remote] en { $host }
    }, modelo { $model }; { $key ->
        [stored] clave de API guardada
        [missing] aún sin clave de API
       *[none] no necesita clave de API
    }; { $last ->
        [ok] la última prueba o llamada se realizó correctamente el { DATETIME($at) }.
        [failed] la última prueba o llamada falló el { DATETIME($at) } ({ $code }).
       *[none] aún no se ha probado.
    }
