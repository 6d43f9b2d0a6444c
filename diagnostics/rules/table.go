package rules

import "github.com/multiprom/multiprom/diagnostics"

// All is the rule table, in code order. It is the only package-level state
// of the engine and is never modified after init.
var All = []*diagnostics.Rule{
	diagnostics.UnusedSuppression,
	SingleProcessExporter,
	AppWithoutMetrics,
	UngatedMultiprocExporter,
	DefaultRegistryExposition,
	MultiprocRegistryWithoutProcessMetrics,
	HTTPServerPerWorker,
	MultiprocCollectorOnSharedRegistry,
	PathCardinality,
	DeprecatedMultiprocEnv,
	ExporterNeverExposed,
	InternalExporterHTTPServer,
	DjangoExportPortPerWorker,
	MissingChildExit,
	ChildExitWithoutMarkDead,
	MarkDeadInWorkerExit,
	MultiprocDirNotCleaned,
	MultiprocDirUnset,
	MultiprocEnvSetInApp,
	RawEnvAfterConfigImport,
	BadHook,
	PreloadWithReload,
	RecycledWorkersGrowFiles,
	ConfigNotLoaded,
	GaugeWithoutMode,
	GaugeInvalidMode,
	GaugeSetFunctionMultiproc,
	UnsupportedTypeMultiproc,
	CustomCollectorMultiproc,
	MetricCreatedPerCall,
	DuplicateMetricName,
	MostRecentGaugeInc,
	GaugePidLabel,
	PushgatewayMultiproc,
	LabelRemovalMultiproc,
	InvalidMetricName,
	InvalidLabelName,
	NonBaseUnit,
	UnboundedLabel,
	MetricNameStyle,
	BusinessCounterPerWorker,
}

// ByCode returns the rule with that code, or nil.
func ByCode(code string) *diagnostics.Rule {
	for _, r := range All {
		if r.Code == code {
			return r
		}
	}
	return nil
}
