/// The problems found in one configuration file, each as one located line
/// (`file:N: context: message`). A class, so the parser and the account tables it hands
/// to provider kinds (``TOMLAccountTable``) write to one list, in the order found.
final class ConfigurationProblems {
    let path: String
    private let lines: SourceLines
    private(set) var all: [String] = []

    init(path: String, text: String) {
        self.path = path
        self.lines = SourceLines(text)
    }

    /// A problem with `key` in `section` (the `index`-th table of an array of tables).
    func report(key: String, section: String?, index: Int? = nil, context: String?, _ message: String) {
        let line = lines.line(ofKey: key, section: section, index: index)
        let location = line.map { "\(path):\($0)" } ?? path
        all.append([location, context, message].compactMap { $0 }.joined(separator: ": "))
    }

    /// A problem with the `index`-th `[[section]]` table as a whole.
    func report(_ section: String, index: Int, _ message: String) {
        let line = lines.line(ofHeader: section, index: index)
        all.append((line.map { "\(path):\($0)" } ?? path) + ": " + message)
    }

    func line(ofKey key: String, section: String?, index: Int?) -> Int? {
        lines.line(ofKey: key, section: section, index: index)
    }
}
