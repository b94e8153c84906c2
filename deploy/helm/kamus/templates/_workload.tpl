{{/*
One Deployment of Kamus. The three workloads differ only in these arguments:
dict "root" $ "component" <encryptor|decryptor|controller> "image" <server|controller> "replicas" <n>
     "token" <mount the service-account token?> "resources" <dict>
*/}}
{{- define "kamus.deployment" -}}
{{- $root := .root -}}
{{- $values := $root.Values -}}
{{- $name := printf "%s-%s" (include "kamus.name" $root) .component -}}
{{- $selector := dict "root" $root "component" .component -}}
{{- $server := ne .component "controller" -}}
{{- $scheme := ternary "HTTPS" "HTTP" (and $server $values.tls.enabled) -}}
{{- $port := ternary "https" "http" (and $server $values.tls.enabled) -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "kamus.labels" $selector | nindent 4 }}
spec:
  {{- if not (and $server (include "kamus.autoscaled" $root)) }}
  replicas: {{ .replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  selector:
    matchLabels:
      {{- include "kamus.selectorLabels" $selector | nindent 6 }}
  template:
    metadata:
      annotations:
        # Restart on a change of the chart's key Secret (a Secret named by keyManagement.secretName: restart yourself).
        checksum/secret: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
        {{- if $server }}
        {{- include "kamus.metricsAnnotations" $root | nindent 8 }}
        {{- end }}
        {{- with $values.pod.annotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        {{- include "kamus.selectorLabels" $selector | nindent 8 }}
        app.kubernetes.io/name: {{ include "kamus.name" $root }}
        app.kubernetes.io/instance: {{ $root.Release.Name }}
        app.kubernetes.io/component: {{ .component }}
        app.kubernetes.io/part-of: kamus
    spec:
      serviceAccountName: {{ $name }}
      automountServiceAccountToken: {{ .token }}
      securityContext:
        {{- toYaml (merge (deepCopy ($values.securityContext | default dict)) (dict "runAsNonRoot" true "runAsUser" 64198 "runAsGroup" 64198 "fsGroup" 64198 "seccompProfile" (dict "type" "RuntimeDefault"))) | nindent 8 }}
      {{- with $values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "kamus.selectorLabels" $selector | nindent 14 }}
      {{- with $values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "kamus.image" (dict "root" $root "image" .image) }}
          imagePullPolicy: {{ $values.image.pullPolicy | default "IfNotPresent" }}
          ports:
            - name: {{ $port }}
              containerPort: {{ ternary 8443 8080 (eq $port "https") }}
            {{- if $server }}
            {{- include "kamus.metricsContainerPort" $root | nindent 12 }}
            {{- end }}
          env:
            {{- include "kamus.env" $selector | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            capabilities:
              drop: ["ALL"]
          resources:
            {{- toYaml .resources | nindent 12 }}
          startupProbe:
            httpGet: { path: /healthz, port: {{ $port }}, scheme: {{ $scheme }} }
            periodSeconds: 2
            failureThreshold: 30
          readinessProbe:
            httpGet: { path: /healthz, port: {{ $port }}, scheme: {{ $scheme }} }
            periodSeconds: 10
          livenessProbe:
            # Not /api/v1/isAlive: it also reports the Kubernetes API, whose outage must not restart every pod.
            httpGet: { path: /healthz, port: {{ $port }}, scheme: {{ $scheme }} }
            periodSeconds: 20
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            # The secret settings (upstream's appsettings.secrets.json) as a settings file ASP.NET Core reads.
            - name: keys
              mountPath: /app/appsettings.Production.json
              subPath: appsettings.secrets.json
              readOnly: true
            # Key files: googlecloudcredentials.json, pkcs11-pin.
            - name: keys
              mountPath: /etc/kamus/keys
              readOnly: true
            {{- if and $server $values.tls.enabled }}
            - name: tls
              mountPath: /etc/kamus/tls
              readOnly: true
            {{- end }}
            {{- with $values.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        # With a read-only root filesystem, .NET still needs a writable /tmp.
        - name: tmp
          emptyDir:
            medium: Memory
            sizeLimit: 16Mi
        - name: keys
          secret:
            secretName: {{ include "kamus.secretName" $root }}
            defaultMode: 0440
        {{- if and $server $values.tls.enabled }}
        - name: tls
          secret:
            secretName: {{ include "kamus.tlsSecretName" $root }}
            defaultMode: 0440
        {{- end }}
        {{- with $values.extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
{{- end -}}

{{/* A workload's ServiceAccount. Argument: dict "root" $ "component" <name> "token" <automount?>. */}}
{{- define "kamus.serviceAccount" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "kamus.name" .root }}-{{ .component }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "kamus.labels" . | nindent 4 }}
  {{- with .root.Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: {{ .token }}
{{- end -}}

{{/* A workload's PodDisruptionBudget: one pod at a time, never blocking a drain. Argument: dict "root" "component". */}}
{{- define "kamus.podDisruptionBudget" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "kamus.name" .root }}-{{ .component }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "kamus.labels" . | nindent 4 }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      {{- include "kamus.selectorLabels" . | nindent 6 }}
{{- end -}}
