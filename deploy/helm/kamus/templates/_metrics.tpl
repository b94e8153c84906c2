{{/*
Prometheus scraping of the server pods (docs/operations.md). metrics.enabled=false turns off the endpoint and all
of this wiring; metrics.port moves /metrics to its own plain-HTTP port.
*/}}
{{- define "kamus.metricsAnnotations" -}}
{{- $metrics := .Values.metrics -}}
{{- if and $metrics.enabled $metrics.scrapeAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/path: /metrics
prometheus.io/port: {{ $metrics.port | default (ternary 8443 8080 .Values.tls.enabled) | quote }}
prometheus.io/scheme: {{ ternary "https" "http" (and .Values.tls.enabled (not $metrics.port)) }}
{{- end }}
{{- end -}}

{{- define "kamus.metricsEnv" -}}
{{- $metrics := .Values.metrics -}}
{{- if not $metrics.enabled }}
- name: Kamus__Metrics__Enabled
  value: "false"
{{- else if $metrics.port }}
- name: Kamus__Metrics__Port
  value: {{ $metrics.port | int | quote }}
{{- end }}
{{- end -}}

{{/* The container's and the Services' metrics port, when /metrics has its own. */}}
{{- define "kamus.metricsContainerPort" -}}
{{- if and .Values.metrics.enabled .Values.metrics.port }}
- name: metrics
  containerPort: {{ .Values.metrics.port | int }}
{{- end }}
{{- end -}}

{{- define "kamus.metricsServicePort" -}}
{{- if and .Values.metrics.enabled .Values.metrics.port }}
- name: metrics
  port: {{ .Values.metrics.port | int }}
  targetPort: metrics
  protocol: TCP
{{- end }}
{{- end -}}
