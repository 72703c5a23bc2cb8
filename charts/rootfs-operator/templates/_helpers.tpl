{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "rootfs-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every resource name: the release name, plus the chart name unless the release name has it. */}}
{{- define "rootfs-operator.fullname" -}}
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

{{/* Labels of every resource. */}}
{{- define "rootfs-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "rootfs-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: rootfs-operator
{{- end }}

{{/* Labels that select the operator pods. */}}
{{- define "rootfs-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "rootfs-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The operator's ServiceAccount. */}}
{{- define "rootfs-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "rootfs-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* An image reference: repository:tag, the tag defaulting to the chart's appVersion. */}}
{{- define "rootfs-operator.image" -}}
{{- printf "%s:%s" .image.repository (default .chart.AppVersion .image.tag) }}
{{- end }}

{{/* The operator's configuration file (src/controller/config.ts), from .Values.builds. */}}
{{- define "rootfs-operator.config" -}}
{{- $b := .Values.builds }}
{{- $config := dict
  "namespace" .Release.Namespace
  "workerImage" (include "rootfs-operator.image" (dict "image" $b.workerImage "chart" .Chart))
  "workerImagePullPolicy" $b.workerImage.pullPolicy
  "kvmDevice" $b.kvmDevice
  "installRuntime" $b.installRuntime
  "nodeSelectors" $b.nodeSelectors
  "workerResources" $b.workerResources
  "defaultStorage" (dict)
  "sources" $b.sources
  "catalog" (dict "shared" $b.sharedCatalog)
  "claimDuration" $b.claimDuration
  "watchNamespaces" .Values.watchNamespaces
}}
{{- with $b.kvmGroupId }}
{{- $_ := set $config "kvmGroupId" . }}
{{- end }}
{{- with $b.storageClassName }}
{{- $_ := set $config "storageClassName" . }}
{{- end }}
{{- with $b.defaultStorage.pvc.claimName }}
{{- $_ := set $config "defaultStorage" (dict "pvc" (dict "claimName" . "subPath" $b.defaultStorage.pvc.subPath)) }}
{{- end }}
{{- toYaml $config }}
{{- end }}

{{/*
A NetworkPolicy egress rule, as a one-item list: to `.rule.to` (any address when empty) on each of
`.rule.ports` with each of `.protocols`. Nothing when `.rule.ports` is empty.
*/}}
{{- define "rootfs-operator.egressRule" -}}
{{- if .rule.ports }}
{{- $ports := list }}
{{- range $port := .rule.ports }}
{{- range $protocol := $.protocols }}
{{- $ports = append $ports (dict "protocol" $protocol "port" $port) }}
{{- end }}
{{- end }}
{{- $rule := dict "ports" $ports }}
{{- with .rule.to }}
{{- $_ := set $rule "to" . }}
{{- end }}
{{- list $rule | toYaml }}
{{- end }}
{{- end }}
