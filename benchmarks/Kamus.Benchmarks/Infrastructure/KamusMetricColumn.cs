using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Kamus.Benchmarks.Infrastructure;

/// <summary>A summary column showing a figure the benchmark recorded with <see cref="Metrics.Record"/>.</summary>
internal sealed class KamusMetricColumn(string name, string legend) : IColumn
{
    public string Id => "Kamus." + name;

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => false;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var parameters = benchmarkCase.Parameters.Items.Select(p => (p.Name, p.Value)).ToArray();
        return Metrics.Read(Metrics.Key(benchmarkCase.Descriptor.WorkloadMethod.Name, parameters!), name) ?? "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
