{{/* Names: at most 63 characters (a DNS label); "spaceport" for a release named spaceport. */}}
{{- define "spaceport.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "spaceport.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "spaceport.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object of the chart. */}}
{{- define "spaceport.labels" -}}
helm.sh/chart: {{ include "spaceport.chart" . }}
app.kubernetes.io/name: {{ include "spaceport.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels of one component ("operator", "gateway" or "hub"): stable for the release's life. */}}
{{- define "spaceport.selectorLabels" -}}
app.kubernetes.io/name: {{ include "spaceport.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "spaceport.componentLabels" -}}
{{ include "spaceport.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "spaceport.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* ServiceAccount names; an existing account may be named when create is false. */}}
{{- define "spaceport.serviceAccountName" -}}
{{- $sa := index .root.Values.serviceAccount .component }}
{{- if $sa.create }}
{{- default (printf "%s-%s" (include "spaceport.fullname" .root) .component) $sa.name }}
{{- else }}
{{- required (printf "serviceAccount.%s.name is required when serviceAccount.%s.create is false" .component .component) $sa.name }}
{{- end }}
{{- end }}

{{/*
The ingress annotations Spaceport puts on every Space's Ingress: the preset of ingress.controller,
then the user's ingress.annotations on top (a user value wins).
*/}}
{{- define "spaceport.ingressAnnotations" -}}
{{- toYaml (merge (deepCopy .Values.ingress.annotations) (include "spaceport.ingressPreset" . | fromYaml)) }}
{{- end }}

{{/* The annotation preset of ingress.controller alone (also the base of the hub's Ingress). */}}
{{- define "spaceport.ingressPreset" -}}
{{- $preset := dict }}
{{- if eq .Values.ingress.controller "nginx" }}
{{- /* ingress-nginx: no body limit (uploads), no buffering either way (SSE, streamed responses and
       uploads pass through), an hour before an idle WebSocket or SSE stream is cut. */}}
{{- $preset = dict
      "nginx.ingress.kubernetes.io/proxy-body-size" "0"
      "nginx.ingress.kubernetes.io/proxy-buffering" "off"
      "nginx.ingress.kubernetes.io/proxy-request-buffering" "off"
      "nginx.ingress.kubernetes.io/proxy-read-timeout" "3600"
      "nginx.ingress.kubernetes.io/proxy-send-timeout" "3600" }}
{{- else if eq .Values.ingress.controller "traefik" }}
{{- /* Traefik streams without buffering and has no body limit unless a Buffering Middleware is
       attached (router.middlewares), so nothing is needed for that; its timeouts are not Ingress
       annotations but static configuration (entryPoints.<name>.transport.respondingTimeouts, v3's
       readTimeout defaults to 60s and cuts slow uploads) and serversTransport forwardingTimeouts:
       see the chart README. What an Ingress can say: TLS on the router, its entry points, middlewares. */}}
{{- if eq .Values.config.scheme "https" }}
{{- $_ := set $preset "traefik.ingress.kubernetes.io/router.tls" "true" }}
{{- end }}
{{- with .Values.ingress.traefik.entrypoints }}
{{- $_ := set $preset "traefik.ingress.kubernetes.io/router.entrypoints" . }}
{{- end }}
{{- with .Values.ingress.traefik.middlewares }}
{{- $_ := set $preset "traefik.ingress.kubernetes.io/router.middlewares" . }}
{{- end }}
{{- end }}
{{- toYaml $preset }}
{{- end }}

{{/* The pod security context of every Deployment: the restricted Pod Security Standard, the image's
uid 1001 unless podSecurity says otherwise (null: the platform assigns one, as OpenShift does). */}}
{{- define "spaceport.podSecurityContext" -}}
runAsNonRoot: true
{{- with .root.Values.podSecurity.runAsUser }}
runAsUser: {{ . }}
{{- end }}
{{- with .root.Values.podSecurity.runAsGroup }}
runAsGroup: {{ . }}
{{- end }}
{{- with .root.Values.podSecurity.fsGroup }}
fsGroup: {{ . }}
{{- end }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "spaceport.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
{{- with .root.Values.podSecurity.runAsUser }}
runAsUser: {{ . }}
{{- end }}
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
The pod template every Deployment shares; .component is "operator", "gateway" or "hub", .values its
values, .spread optional topologySpreadConstraints. The hub's pod also mounts the repositories.
The checksum annotation rolls the pods when the configuration changes.
*/}}
{{- define "spaceport.podTemplate" -}}
{{- $root := .root }}
{{- $v := .values }}
metadata:
  labels:
    {{- include "spaceport.componentLabels" . | nindent 4 }}
    {{- with $root.Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    checksum/config: {{ include (print $root.Template.BasePath "/config.yaml") $root | sha256sum }}
    {{- with $v.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "spaceport.serviceAccountName" . }}
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  {{- with $v.terminationGracePeriodSeconds }}
  terminationGracePeriodSeconds: {{ . }}
  {{- end }}
  securityContext:
    {{- include "spaceport.podSecurityContext" . | nindent 4 }}
  containers:
    - name: {{ .component }}
      image: {{ include "spaceport.image" $root }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      env:
        - name: SPACEPORT_ROLES
          value: {{ .component }}
        - name: QUARKUS_CONFIG_LOCATIONS
          value: /etc/spaceport/application.properties
        {{- if ne .component "hub" }}
        # Quarkus's HTTP server is the hub's; health and metrics are on the management port.
        - name: QUARKUS_HTTP_HOST_ENABLED
          value: "false"
        {{- end }}
        - name: JAVA_OPTS_APPEND
          value: {{ $v.javaOpts | quote }}
        {{- with $root.Values.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      ports:
        {{- if eq .component "gateway" }}
        - name: http
          containerPort: 8080
          protocol: TCP
        {{- else if eq .component "hub" }}
        - name: http
          containerPort: 8090
          protocol: TCP
        {{- end }}
        - name: management
          containerPort: 8081
          protocol: TCP
      startupProbe:
        httpGet:
          path: /q/health/live
          port: management
        periodSeconds: 2
        failureThreshold: 60
      livenessProbe:
        httpGet:
          path: /q/health/live
          port: management
        periodSeconds: 10
      readinessProbe:
        httpGet:
          path: /q/health/ready
          port: management
        periodSeconds: 5
      resources:
        {{- toYaml $v.resources | nindent 8 }}
      securityContext:
        {{- include "spaceport.containerSecurityContext" . | nindent 8 }}
      volumeMounts:
        - name: config
          mountPath: /etc/spaceport
          readOnly: true
        # The root filesystem is read-only; the JVM and Vert.x write temporary files here.
        - name: tmp
          mountPath: /tmp
        {{- if eq .component "hub" }}
        # The Spaces' bare git repositories (spaceport.hub.repositories).
        - name: repositories
          mountPath: /var/lib/spaceport/repositories
        {{- end }}
  volumes:
    - name: config
      configMap:
        name: {{ include "spaceport.fullname" $root }}-config
    - name: tmp
      emptyDir: {}
    {{- if eq .component "hub" }}
    - name: repositories
      {{- if $root.Values.hub.persistence.enabled }}
      persistentVolumeClaim:
        claimName: {{ include "spaceport.hubClaimName" $root }}
      {{- else }}
      # No persistence: lost with the pod.
      emptyDir: {}
      {{- end }}
    {{- end }}
  {{- with $v.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .spread }}
  topologySpreadConstraints:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{/* The hub's public host: hub.ingress.host, else hub.<config.domain> (Space hosts always hold a
dash, <namespace>-<name>, so "hub" never names a Space). */}}
{{- define "spaceport.hubHost" -}}
{{- default (printf "hub.%s" .Values.config.domain) .Values.hub.ingress.host }}
{{- end }}

{{/* What users set as HF_ENDPOINT: hub.publicUrl, else built from the scheme, host and public port
the way Spaces' URLs are. */}}
{{- define "spaceport.hubPublicUrl" -}}
{{- if .Values.hub.publicUrl }}
{{- .Values.hub.publicUrl | trimSuffix "/" }}
{{- else }}
{{- printf "%s://%s" .Values.config.scheme (include "spaceport.hubHost" .) }}
{{- with .Values.config.publicPort }}:{{ . }}{{ end }}
{{- end }}
{{- end }}

{{/* The in-cluster URL Space pods clone from: the hub Service. */}}
{{- define "spaceport.hubCloneUrl" -}}
{{- printf "http://%s-hub.%s.svc:8090" (include "spaceport.fullname" .) .Release.Namespace }}
{{- end }}

{{/* The PersistentVolumeClaim of the hub's repositories: an existing one, or the chart's. */}}
{{- define "spaceport.hubClaimName" -}}
{{- default (printf "%s-hub-repositories" (include "spaceport.fullname" .)) .Values.hub.persistence.existingClaim }}
{{- end }}

{{/* "true" when every hub replica, old and new, can mount the repositories at once: a volume
declared ReadWriteMany. Otherwise the hub runs one replica, replaced with the Recreate strategy. */}}
{{- define "spaceport.hubShared" -}}
{{- and .Values.hub.persistence.enabled (has "ReadWriteMany" .Values.hub.persistence.accessModes) }}
{{- end }}
