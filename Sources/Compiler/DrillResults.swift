import BlueprintModel
import BlueprintYAML
import Diagnostics
import Resilience

/// What a drill measured, as its operators record it:
///
/// ```yaml
/// outage: [eu-west-1]
/// steps:
///   - { name: detect, start: 2026-11-30T10:00:00Z, end: 2026-11-30T10:00:34Z }
///   - { name: promote, start: 2026-11-30T10:00:34Z, end: 2026-11-30T10:03:41Z }
/// dataLoss: 150ms
/// ```
public struct DrillResults: Sendable {
    public var file: String
    public var outage: [String]
    public var steps: [DrillGrade.MeasuredStep]
    public var dataLossSeconds: Double?
    /// When the drill started, for ordering a history.
    public var started: String

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func load(_ file: String, bytes: [UInt8]) throws -> DrillResults {
        let root: YAMLNode
        do {
            guard let parsed = try YAMLParser(file: file).parse(bytes).root else { throw Failure(description: "\(TerminalText.path(file)): empty results file") }
            root = parsed
        } catch let diagnostic as Diagnostic {
            throw Failure(description: TextFormatter.format([diagnostic]))
        }
        func fail(_ node: YAMLNode, _ message: String) -> Failure {
            // Messages quote the file's own text: escaped, so a key cannot forge a second line.
            Failure(description: "\(TerminalText.path(file)):\(node.mark.line):\(node.mark.column): error: \(TerminalText.escaped(message))")
        }
        guard case .mapping(let pairs) = root.content else { throw fail(root, "a drill results file is a mapping with 'outage' and 'steps'") }
        func value(_ key: String) -> YAMLNode? { pairs.first { $0.key.scalar == key }?.value }
        for pair in pairs where !["outage", "steps", "dataLoss"].contains(pair.key.scalar ?? "") {
            throw fail(pair.key, "unknown key '\(pair.key.scalar ?? "")' (expected outage, steps, dataLoss)")
        }
        guard let outageNode = value("outage"), case .sequence(let outageItems) = outageNode.content else {
            throw fail(root, "'outage' must list the failed regions or zones")
        }
        let outage = outageItems.compactMap(\.scalar)
        guard let stepsNode = value("steps"), case .sequence(let items) = stepsNode.content, !items.isEmpty else {
            throw fail(root, "'steps' must list the measured steps with name, start and end")
        }
        var steps: [DrillGrade.MeasuredStep] = []
        var started = ""
        for item in items {
            guard case .mapping(let fields) = item.content else { throw fail(item, "a step is { name, start, end }") }
            func field(_ key: String) throws -> (String, YAMLNode) {
                guard let node = fields.first(where: { $0.key.scalar == key })?.value, let text = node.scalar else {
                    throw fail(item, "a step needs '\(key)'")
                }
                return (text, node)
            }
            let (name, _) = try field("name")
            let (startText, startNode) = try field("start")
            let (endText, endNode) = try field("end")
            guard let start = Timestamp.seconds(startText) else { throw fail(startNode, "expected a UTC time like 2026-11-30T10:00:00Z, got '\(startText)'") }
            guard let end = Timestamp.seconds(endText) else { throw fail(endNode, "expected a UTC time like 2026-11-30T10:00:34Z, got '\(endText)'") }
            guard end >= start else { throw fail(endNode, "step '\(name)' ends before it starts") }
            if started.isEmpty || startText < started { started = startText }
            steps.append(DrillGrade.MeasuredStep(name: name, start: start, end: end))
        }
        var dataLoss: Double?
        if let node = value("dataLoss") {
            guard let text = node.scalar, let duration = BlueprintModel.Duration(parsing: text) else { throw fail(node, "'dataLoss' is a duration such as 150ms or 2s") }
            dataLoss = Double(duration.milliseconds) / 1000
        }
        return DrillResults(file: file, outage: outage, steps: steps, dataLossSeconds: dataLoss, started: started)
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fff]Z` to seconds since the epoch, without Foundation's formatters.
enum Timestamp {
    static func seconds(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z"), bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":") else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: bytes[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
              let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var fraction = 0.0
        if bytes.count > 20 {
            guard bytes[19] == UInt8(ascii: "."), let digits = Double("0" + String(decoding: bytes[19..<(bytes.count - 1)], as: UTF8.self)) else { return nil }
            fraction = digits
        }
        // Days from the civil date (proleptic Gregorian), after Howard Hinnant's algorithm.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Double(days * 86_400 + hour * 3600 + minute * 60 + second) + fraction
    }
}
