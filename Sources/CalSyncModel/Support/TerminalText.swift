/// Text from providers (summaries, locations, calendar names, error messages) made safe to
/// print on a terminal.
///
/// An invitation can carry escape sequences (`ESC [ …`, OSC 8 links, a title change, a
/// screen clear) that an administrator's terminal would obey when `calsyncctl agenda`
/// printed them. Every control character — C0 (U+0000–U+001F), DEL (U+007F) and C1
/// (U+0080–U+009F) — is shown instead as `\xNN`, one per UTF-8 byte, as systemd's
/// tools show what is not printable (`journalctl --all`, `systemctl status`:
/// `utf8_escape_non_printable`): visible, unambiguous enough to read, and never obeyed.
/// Everything else, backslashes included, is printed as it is. JSON output needs none of
/// this: JSONEncoder writes control characters as `\u001b`.
/// docs/operations.md, "What reaches the terminal".
public enum TerminalText {
    /// `text` for one line of output: every control character escaped, newlines too.
    public static func line(_ text: String) -> String {
        escape(text, keepingNewlines: false)
    }

    /// `text` that may hold several lines (an error message with a configuration excerpt):
    /// newlines kept, every other control character escaped (`\r` too, which would let a
    /// line overwrite the one before it).
    public static func lines(_ text: String) -> String {
        escape(text, keepingNewlines: true)
    }

    /// Whether `scalar` is a control character (Unicode general category Cc).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    static func escape(_ text: String, keepingNewlines: Bool) -> String {
        // Most text has nothing to escape: return it untouched.
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if !isControl(scalar) || (keepingNewlines && scalar == "\n") {
                result.append(scalar)
                continue
            }
            for byte in String(scalar).utf8 {
                result.append(contentsOf: "\\x".unicodeScalars)
                result.append(contentsOf: hex(byte).unicodeScalars)
            }
        }
        return String(result)
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef".unicodeScalars)
        return String(String.UnicodeScalarView([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]))
    }
}
