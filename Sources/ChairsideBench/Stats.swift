import Foundation

/// Monotonic time in seconds.
func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Times one call, in milliseconds.
func timed(_ body: () throws -> Void) rethrows -> Double {
    let t0 = now()
    try body()
    return (now() - t0) * 1000
}

/// Samples in milliseconds and the percentiles the report uses.
struct Samples {
    var values: [Double] = []
    mutating func add(_ v: Double) { values.append(v) }

    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count - 1)).rounded())
        return sorted[min(sorted.count - 1, max(0, rank))]
    }

    var p50: Double { percentile(50) }
    var p99: Double { percentile(99) }
}

func ms(_ v: Double) -> String {
    if v.isNaN { return "—" }
    return v < 1 ? String(format: "%.3f ms", v) : v < 100 ? String(format: "%.2f ms", v) : String(format: "%.0f ms", v)
}
