{{/* The chart's name, or nameOverride. */}}
{{- define "ebpf-exporter.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The objects' name: fullnameOverride, else the release name, with the chart's name unless it holds it. */}}
{{- define "ebpf-exporter.fullname" -}}
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

{{- define "ebpf-exporter.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ebpf-exporter.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ebpf-exporter.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "ebpf-exporter.labels" -}}
helm.sh/chart: {{ include "ebpf-exporter.chart" . }}
{{ include "ebpf-exporter.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ include "ebpf-exporter.name" . }}
{{- end }}

{{- define "ebpf-exporter.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.registry }}
{{- printf "%s/%s:%s" .Values.image.registry .Values.image.repository $tag }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* The exporter's config.yaml: .Values.config, with owners on for every collector that has them when owners.enabled,
and server.port from .Values.port where it is not the exporter's default. */}}
{{- define "ebpf-exporter.config" -}}
{{- $config := deepCopy .Values.config }}
{{- if ne (int .Values.port) 11000 }}
{{- $server := get $config "server" | default dict }}
{{- $_ := set $server "port" (int .Values.port) }}
{{- $_ := set $config "server" $server }}
{{- end }}
{{- if .Values.owners.enabled }}
{{- $collectors := get $config "collectors" | default dict }}
{{- range list "programs" "maps" "links" }}
{{- $collector := get $collectors . | default dict }}
{{- $_ := set $collector "owners" true }}
{{- $_ := set $collectors . $collector }}
{{- end }}
{{- $_ := set $config "collectors" $collectors }}
{{- end }}
{{- toYaml $config }}
{{- end }}

{{/* The capabilities the container adds, by privilege and owners. */}}
{{- define "ebpf-exporter.capabilities" -}}
{{- $caps := list }}
{{- if eq .Values.privilege "full" }}
{{- $caps = append $caps "SYS_ADMIN" }}
{{- else if eq .Values.privilege "least" }}
{{- $caps = concat $caps (list "BPF" "PERFMON") }}
{{- else }}
{{- fail (printf "privilege must be full or least, not %q" .Values.privilege) }}
{{- end }}
{{- if .Values.owners.enabled }}
{{- $caps = append $caps "SYS_PTRACE" }}
{{- end }}
{{- toJson $caps }}
{{- end }}
