{{/*
Upstream's naming: the chart name (or nameOverride), not the release name, so that an upgrade from upstream's chart
keeps the object names, and with them the Services' DNS names that pods' KAMUS_URL point to.
*/}}
{{- define "kamus.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Selector labels: upstream's exactly (app, release, component). A Deployment's selector is immutable, so any other
selector would make `helm upgrade` from upstream's chart fail. Argument: dict "root" $ "component" <name>.
*/}}
{{- define "kamus.selectorLabels" -}}
app: {{ include "kamus.name" .root }}
release: {{ .root.Release.Name }}
component: {{ .component }}
{{- end -}}

{{/* Every object's labels: upstream's plus the recommended app.kubernetes.io ones. Argument as kamus.selectorLabels. */}}
{{- define "kamus.labels" -}}
{{ include "kamus.selectorLabels" . }}
chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
heritage: {{ .root.Release.Service }}
app.kubernetes.io/name: {{ include "kamus.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: kamus
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end -}}

{{/*
An image: image.repository/image.<server|controller>:image.tag. Upstream's image locations hold upstream's images,
not this server, so they fall back to this chart's default. Argument: dict "root" $ "image" "server"|"controller".
*/}}
{{- define "kamus.image" -}}
{{- $image := .root.Values.image -}}
{{- $repository := trimSuffix "/" ($image.repository | default "kamus-dotnet") -}}
{{- if has $repository (list "soluto" "ghcr.io/soluto" "docker.io/soluto") -}}
{{- $repository = "kamus-dotnet" -}}
{{- end -}}
{{- printf "%s/%s:%s" $repository (index $image .image | default .image) ($image.tag | default .root.Chart.AppVersion) -}}
{{- end -}}

{{/* Whether the values name upstream's image location or version (then replaced or ignored; NOTES.txt says so). */}}
{{- define "kamus.upstreamImage" -}}
{{- $repository := trimSuffix "/" (.Values.image.repository | default "") -}}
{{- if or .Values.image.version (has $repository (list "soluto" "ghcr.io/soluto" "docker.io/soluto")) -}}true{{- end -}}
{{- end -}}

{{/*
The server's audience (Kamus:Audience). Set (even ""): as set. Unset: "kamus" on a fresh install; on an upgrade, what
the running decryptor uses, read from the cluster, so that upgrading from upstream's chart (apps sending their default
token) does not lock every app out. `helm template` has no cluster: it renders the fresh-install default.
*/}}
{{- define "kamus.audience" -}}
{{- if kindIs "string" .Values.audience -}}
{{- .Values.audience -}}
{{- else if .Release.IsUpgrade -}}
{{- $running := lookup "apps/v1" "Deployment" .Release.Namespace (printf "%s-decryptor" (include "kamus.name" .)) -}}
{{- if $running -}}
{{- include "kamus.runningAudience" $running -}}
{{- else -}}
kamus
{{- end -}}
{{- else -}}
kamus
{{- end -}}
{{- end -}}

{{/* The Kamus__Audience of a running Deployment (an object from lookup); "" when it has none, as upstream's. */}}
{{- define "kamus.runningAudience" -}}
{{- range $container := .spec.template.spec.containers -}}
{{- range $variable := $container.env | default list -}}
{{- if eq $variable.name "Kamus__Audience" -}}{{- $variable.value -}}{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the key material: keyManagement.secretName, else the one this chart makes (upstream's name). */}}
{{- define "kamus.secretName" -}}
{{- .Values.keyManagement.secretName | default (include "kamus.name" .) -}}
{{- end -}}

{{/* The key upstream's chart shipped as its default: published, so anything encrypted under it is readable by anyone. */}}
{{- define "kamus.publishedUpstreamKey" -}}rWnWbaFutavdoeqUiVYMNJGvmjQh31qaIej/vAxJ9G0={{- end -}}

{{/* "true" when the values carry upstream's published key, as the AES key or in the key ring. */}}
{{- define "kamus.usesPublishedKey" -}}
{{- $published := include "kamus.publishedUpstreamKey" . -}}
{{- $keys := values ((.Values.keyManagement.keyRing | default dict).keys | default dict) -}}
{{- if or (eq ((.Values.keyManagement.AES | default dict).key | default "") $published) (has $published $keys) -}}true{{- end -}}
{{- end -}}

{{/* Whether a component is scaled by an HPA. */}}
{{- define "kamus.autoscaled" -}}
{{- if and .Values.autoscale .Values.autoscale.maxReplicas -}}true{{- end -}}
{{- end -}}

{{/* The port of a server Service: 443 with TLS, else 80. */}}
{{- define "kamus.servicePort" -}}
{{- if .Values.tls.enabled -}}443{{- else -}}80{{- end -}}
{{- end -}}

{{/* The TLS Secret the server reads: the cert-manager Certificate's, tls.secretName, else <name>-tls. */}}
{{- define "kamus.tlsSecretName" -}}
{{- if .Values.tls.certManager.enabled -}}
{{- printf "%s-tls" (include "kamus.name" .) -}}
{{- else -}}
{{- .Values.tls.secretName | default (printf "%s-tls" (include "kamus.name" .)) -}}
{{- end -}}
{{- end -}}
