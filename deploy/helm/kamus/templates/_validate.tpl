{{/*
Refuses values that cannot work, with a message that says what to set. Never prints a key or secret.
*/}}
{{- define "kamus.validate" -}}
{{- $keyManagement := .Values.keyManagement -}}
{{- $providers := list "AESKey" "AzureKeyVault" "AwsKms" "GoogleKms" "Pkcs11" -}}
{{- if not (has $keyManagement.provider $providers) -}}
{{- fail (printf "keyManagement.provider %q is not one of %s." (toString $keyManagement.provider) (join ", " $providers)) -}}
{{- end -}}
{{- $base64Key := "^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$" -}}
{{- $aesKey := ($keyManagement.AES | default dict).key | default "" -}}
{{- $ring := ($keyManagement.keyRing | default dict).keys | default dict -}}
{{- if and $aesKey (not (regexMatch $base64Key $aesKey)) -}}
{{- fail "keyManagement.AES.key is not base64 of 32 bytes (44 characters ending in '='). Make one with: head -c 32 /dev/urandom | base64" -}}
{{- end -}}
{{- range $id, $key := $ring -}}
{{- if not (regexMatch $base64Key (toString $key)) -}}
{{- fail (printf "keyManagement.keyRing.keys.%s is not base64 of 32 bytes (44 characters ending in '='). Make one with: head -c 32 /dev/urandom | base64" $id) -}}
{{- end -}}
{{- end -}}
{{- if and (gt (len $ring) 1) (not $keyManagement.keyRing.currentKeyId) -}}
{{- fail "keyManagement.keyRing holds several keys: set keyManagement.keyRing.currentKeyId to the one new values use." -}}
{{- end -}}
{{- if and (eq $keyManagement.provider "AESKey") (not $keyManagement.secretName) (not $aesKey) (not $ring) -}}
{{- fail "No master key: keyManagement.provider is AESKey but keyManagement.AES.key is empty. This chart ships no default key. Either pass a new one (--set-string keyManagement.AES.key=\"$(head -c 32 /dev/urandom | base64)\"), keep your upstream key so old values decrypt, or name an existing Secret with keyManagement.secretName (docs/deploy.md)." -}}
{{- end -}}
{{- if eq $keyManagement.provider "AzureKeyVault" -}}
{{- $vault := $keyManagement.azureKeyVault | default dict -}}
{{- if not (or $vault.keyVaultName $vault.url) -}}
{{- fail "keyManagement.provider is AzureKeyVault: set keyManagement.azureKeyVault.keyVaultName (or .url)." -}}
{{- end -}}
{{- end -}}
{{- if eq $keyManagement.provider "GoogleKms" -}}
{{- $google := $keyManagement.googleKms | default dict -}}
{{- if not (and $google.projectId $google.location $google.keyRing) -}}
{{- fail "keyManagement.provider is GoogleKms: set keyManagement.googleKms.projectId, .location and .keyRing." -}}
{{- end -}}
{{- end -}}
{{- if eq $keyManagement.provider "Pkcs11" -}}
{{- $pkcs11 := $keyManagement.pkcs11 | default dict -}}
{{- if not (and $pkcs11.modulePath $pkcs11.currentKeyLabel (or $pkcs11.tokenLabel (kindIs "float64" $pkcs11.slotId))) -}}
{{- fail "keyManagement.provider is Pkcs11: set keyManagement.pkcs11.modulePath, .currentKeyLabel and .tokenLabel (or .slotId); see docs/hsm.md." -}}
{{- end -}}
{{- end -}}
{{- if and .Values.tls.enabled .Values.tls.certManager.enabled (not (.Values.tls.certManager.issuerRef | default dict).name) -}}
{{- fail "tls.certManager.enabled needs tls.certManager.issuerRef.name (an Issuer in the release namespace, or kind: ClusterIssuer)." -}}
{{- end -}}
{{- if and .Values.tls.certManager.enabled (not .Values.tls.enabled) -}}
{{- fail "tls.certManager.enabled needs tls.enabled: true as well." -}}
{{- end -}}
{{- if and .Values.ingress.enabled (not .Values.ingress.hosts) -}}
{{- fail "ingress.enabled needs ingress.hosts (a list of host names)." -}}
{{- end -}}
{{- end -}}
