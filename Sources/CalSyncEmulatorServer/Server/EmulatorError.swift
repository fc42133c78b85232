/// A failure to start or drive the emulator.
public struct EmulatorError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
