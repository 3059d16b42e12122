/// Compiler-style text: `file:line:col: severity: message [rule]`, then indented notes and the fix.
/// Every piece of text goes through `TerminalText.escaped`: messages quote user text (keys,
/// names, values, file names), and a newline or an escape sequence in it must not forge a
/// `file:line:col:` line or recolour a CI log. One diagnostic line, one note line, one fix line.
public enum TextFormatter {
    public static func format(_ diagnostics: [Diagnostic]) -> String {
        var out = ""
        for d in diagnostics {
            let file = TerminalText.path(d.file)
            out += "\(file):\(d.mark.line):\(d.mark.column): \(d.severity.rawValue): \(TerminalText.escaped(d.message)) [\(TerminalText.escaped(d.rule))]\n"
            for note in d.notes {
                if let mark = note.mark {
                    out += "    \(file):\(mark.line):\(mark.column): note: \(TerminalText.escaped(note.message))\n"
                } else {
                    out += "    note: \(TerminalText.escaped(note.message))\n"
                }
            }
            if let fix = d.fix {
                out += "    fix: \(TerminalText.escaped(fix))\n"
            }
        }
        return out
    }

    public static func summary(_ diagnostics: [Diagnostic]) -> String {
        let e = diagnostics.errorCount, w = diagnostics.warningCount
        return "\(e) error\(e == 1 ? "" : "s"), \(w) warning\(w == 1 ? "" : "s")"
    }

    /// lint's closing line: `3 errors, 1 warning, 2 checks withheld in 1 file`.
    public static func summary(_ diagnostics: [Diagnostic], withheld: Int, files: Int) -> String {
        return summary(diagnostics) + ", \(withheld) check\(withheld == 1 ? "" : "s") withheld in \(files) file\(files == 1 ? "" : "s")"
    }
}
