{{/*
The settings that are secret, as upstream's appsettings.secrets.json: the Secret mounts it as the app's
appsettings.Production.json, so ASP.NET Core reads it like any settings file and no key sits in an environment
variable, a ConfigMap or the Deployment spec. Only values that are set appear.
*/}}
{{- define "kamus.secretSettings" -}}
{{- $keyManagement := .Values.keyManagement -}}
{{- $section := dict -}}
{{- with ($keyManagement.AES | default dict).key -}}
{{- $_ := set $section "AES" (dict "Key" .) -}}
{{- end -}}
{{- with ($keyManagement.keyRing | default dict).keys -}}
{{- $_ := set $section "KeyRing" (dict "Keys" .) -}}
{{- end -}}
{{- $aws := dict -}}
{{- with $keyManagement.awsKms -}}
{{- with .key }}{{ $_ := set $aws "Key" . }}{{ end -}}
{{- with .secret }}{{ $_ := set $aws "Secret" . }}{{ end -}}
{{- end -}}
{{- if $aws }}{{ $_ := set $section "AwsKms" $aws }}{{ end -}}
{{- $offline := dict -}}
{{- with $keyManagement.offline -}}
{{- with .seed }}{{ $_ := set $offline "Seed" . }}{{ end -}}
{{- with .signingKey }}{{ $_ := set $offline "SigningKey" . }}{{ end -}}
{{- end -}}
{{- if $offline }}{{ $_ := set $section "Offline" $offline }}{{ end -}}
{{- $settings := dict -}}
{{- if $section }}{{ $_ := set $settings "KeyManagement" $section }}{{ end -}}
{{- with ($keyManagement.azureKeyVault | default dict).clientSecret -}}
{{- $_ := set $settings "ActiveDirectory" (dict "ClientSecret" .) -}}
{{- end -}}
{{- toPrettyJson $settings -}}
{{- end -}}

{{/* Whether the pods read a Google service-account key file from the Secret (upstream always mounted one). */}}
{{- define "kamus.googleKeyFile" -}}
{{- with .Values.keyManagement.googleKms -}}
{{- if or .credentials (and $.Values.keyManagement.secretName (not .workloadIdentity)) -}}true{{- end -}}
{{- end -}}
{{- end -}}

{{/* Whether the pods read the PKCS#11 PIN from the Secret (else KAMUS_PKCS11_PIN, for example through env). */}}
{{- define "kamus.pkcs11PinFile" -}}
{{- with .Values.keyManagement.pkcs11 -}}
{{- if or .pin $.Values.keyManagement.secretName -}}true{{- end -}}
{{- end -}}
{{- end -}}

{{/*
The environment of a Kamus container: every setting that is not secret. Argument: dict "root" $ "component"
"encryptor"|"decryptor"|"controller". Key management is the same for all three (the controller decrypts in process).
*/}}
{{- define "kamus.env" -}}
{{- $values := .root.Values -}}
{{- $keyManagement := $values.keyManagement -}}
{{- $server := ne .component "controller" -}}
{{- $tls := and $server $values.tls.enabled -}}
# Production: ASP.NET Core then reads the Secret's settings mounted as appsettings.Production.json.
- name: ASPNETCORE_ENVIRONMENT
  value: Production
- name: ASPNETCORE_URLS
  value: {{ ternary "https://+:8443" "http://+:8080" $tls }}
- name: KeyManagement__Provider
  value: {{ $keyManagement.provider | quote }}
{{- with $keyManagement.AES }}
- name: KeyManagement__AES__UseKeyDeriviation
  value: {{ .useKeyDerivation | default false | quote }}
{{- end }}
{{- with ($keyManagement.keyRing | default dict).currentKeyId }}
- name: KeyManagement__KeyRing__CurrentKeyId
  value: {{ . | quote }}
{{- end }}
{{- with $keyManagement.azureKeyVault }}
- name: KeyManagement__KeyVault__Name
  value: {{ .keyVaultName | default "" | quote }}
- name: KeyManagement__KeyVault__KeyType
  value: {{ .keyType | default "RSA-HSM" | quote }}
- name: KeyManagement__KeyVault__KeyLength
  value: {{ .keySize | default 2048 | quote }}
- name: KeyManagement__KeyVault__MaximumDataLength
  value: {{ .maximumDataLength | default 214 | quote }}
{{- with .url }}
- name: KeyManagement__KeyVault__Url
  value: {{ . | quote }}
{{- end }}
{{- with .clientId }}
- name: ActiveDirectory__ClientId
  value: {{ . | quote }}
{{- end }}
{{- with .tenantId }}
- name: ActiveDirectory__TenantId
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- with $keyManagement.awsKms }}
{{- with .region }}
- name: KeyManagement__AwsKms__Region
  value: {{ . | quote }}
- name: AWS_REGION
  value: {{ . | quote }}
{{- end }}
{{- with .cmkPrefix }}
- name: KeyManagement__AwsKms__CmkPrefix
  value: {{ . | quote }}
{{- end }}
- name: KeyManagement__AwsKms__AutomaticKeyRotation
  value: {{ .enableAutomaticKeyRotation | default false | quote }}
{{- with .serviceUrl }}
- name: KeyManagement__AwsKms__ServiceUrl
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- with $keyManagement.googleKms }}
- name: KeyManagement__GoogleKms__ProjectId
  value: {{ .projectId | default "" | quote }}
- name: KeyManagement__GoogleKms__Location
  value: {{ .location | default "" | quote }}
- name: KeyManagement__GoogleKms__KeyRingName
  value: {{ .keyRing | default "" | quote }}
- name: KeyManagement__GoogleKms__ProtectionLevel
  value: {{ .protectionLevel | default "HSM" | quote }}
{{- with .rotationPeriod }}
- name: KeyManagement__GoogleKms__RotationPeriod
  value: {{ . | quote }}
{{- end }}
{{- with .endpoint }}
- name: KeyManagement__GoogleKms__Endpoint
  value: {{ . | quote }}
{{- end }}
{{- if include "kamus.googleKeyFile" $.root }}
- name: GOOGLE_APPLICATION_CREDENTIALS
  value: /etc/kamus/keys/googlecloudcredentials.json
{{- end }}
{{- end }}
{{- with $keyManagement.pkcs11 }}
- name: KeyManagement__Pkcs11__ModulePath
  value: {{ .modulePath | default "" | quote }}
{{- with .tokenLabel }}
- name: KeyManagement__Pkcs11__TokenLabel
  value: {{ . | quote }}
{{- end }}
{{- if kindIs "float64" .slotId }}
- name: KeyManagement__Pkcs11__SlotId
  value: {{ .slotId | int64 | quote }}
{{- end }}
{{- with .currentKeyLabel }}
- name: KeyManagement__Pkcs11__CurrentKeyLabel
  value: {{ . | quote }}
{{- end }}
{{- range $index, $label := .keyLabels | default list }}
- name: KeyManagement__Pkcs11__KeyLabels__{{ $index }}
  value: {{ $label | quote }}
{{- end }}
{{- with .maxSessions }}
- name: KeyManagement__Pkcs11__MaxSessions
  value: {{ . | quote }}
{{- end }}
{{- if include "kamus.pkcs11PinFile" $.root }}
- name: KeyManagement__Pkcs11__PinFile
  value: /etc/kamus/keys/pkcs11-pin
{{- end }}
{{- end }}
{{- with $keyManagement.offline }}
{{- with .currentEpoch }}
- name: KeyManagement__Offline__CurrentEpoch
  value: {{ . | int64 | quote }}
{{- end }}
{{- with .statementLifetime }}
- name: KeyManagement__Offline__StatementLifetime
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- if $server }}
{{- with include "kamus.audience" .root }}
- name: Kamus__Audience
  value: {{ . | quote }}
{{- end }}
{{- with $values.limits.maxRequestBodyBytes }}
- name: Kamus__Limits__MaxRequestBodyBytes
  value: {{ . | int64 | quote }}
{{- end }}
{{- with $values.limits.maxBatchItems }}
- name: Kamus__Limits__MaxBatchItems
  value: {{ . | int64 | quote }}
{{- end }}
{{- range $setting, $value := dict "TokenReviewsPerMinute" $values.rateLimits.tokenReviewsPerMinute "EncryptRequestsPerMinute" $values.rateLimits.encryptRequestsPerMinute }}
{{- if not (kindIs "invalid" $value) }}
- name: Kamus__RateLimits__{{ $setting }}
  value: {{ $value | int64 | quote }}
{{- end }}
{{- end }}
{{- include "kamus.metricsEnv" .root }}
{{- if $tls }}
# Kestrel reloads these files when the Secret changes, so a renewed certificate needs no restart.
- name: Kestrel__Certificates__Default__Path
  value: /etc/kamus/tls/tls.crt
- name: Kestrel__Certificates__Default__KeyPath
  value: /etc/kamus/tls/tls.key
{{- end }}
{{- else }}
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: Controller__ReconciliationIntervalInSeconds
  value: {{ $values.controller.reconciliationIntervalInSeconds | default 60 | quote }}
- name: Controller__SetOwnerReference
  value: {{ ternary "true" "false" (ne $values.controller.setOwnerReference false) | quote }}
# The one Lease the controller's Role lets it hold.
- name: Controller__LeaderElection__LeaseName
  value: {{ include "kamus.name" .root }}-controller
{{- end }}
{{- with $values.env }}
{{ toYaml . }}
{{- end }}
{{- end -}}
