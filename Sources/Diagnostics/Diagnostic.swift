/// A 1-based position in a source file.
public struct SourceMark: Hashable, Comparable, Sendable, Codable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static let start = SourceMark(line: 1, column: 1)

    public static func < (a: SourceMark, b: SourceMark) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

public enum Severity: String, Sendable, Comparable, Codable {
    case error, warning, note

    private var rank: Int {
        switch self {
        case .error: 0
        case .warning: 1
        case .note: 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A secondary message attached to a diagnostic, optionally with its own position
/// (the arithmetic behind an objective finding, or libyaml's context mark).
public struct Note: Hashable, Sendable, Codable {
    public var message: String
    public var mark: SourceMark?

    public init(_ message: String, at mark: SourceMark? = nil) {
        self.message = message
        self.mark = mark
    }
}

/// One located finding: a stable rule id, where it is, what is wrong, and how to fix it.
public struct Diagnostic: Hashable, Sendable, Error, Codable {
    public var severity: Severity
    public var rule: String
    public var message: String
    public var file: String
    public var mark: SourceMark
    /// The blueprint path the finding is about (`services.api.demand`); waivers match on it.
    public var path: String
    public var notes: [Note]
    public var fix: String?

    public init(
        _ severity: Severity, rule: String, message: String, file: String, mark: SourceMark,
        path: String = "", notes: [Note] = [], fix: String? = nil
    ) {
        self.severity = severity
        self.rule = rule
        self.message = message
        self.file = file
        self.mark = mark
        self.path = path
        self.notes = notes
        self.fix = fix
    }
}

extension Array where Element == Diagnostic {
    public var errorCount: Int { filter { $0.severity == .error }.count }
    public var warningCount: Int { filter { $0.severity == .warning }.count }
    public var hasErrors: Bool { contains { $0.severity == .error } }
    /// File, then position, then rule: the order a reader walks the source in.
    public func sortedBySource() -> [Diagnostic] {
        sorted { a, b in
            if a.file != b.file { return a.file < b.file }
            if a.mark != b.mark { return a.mark < b.mark }
            // An error before the notes of the checks it withheld.
            if (a.severity == .note) != (b.severity == .note) { return b.severity == .note }
            if a.rule != b.rule { return a.rule < b.rule }
            return a.message < b.message
        }
    }
}
