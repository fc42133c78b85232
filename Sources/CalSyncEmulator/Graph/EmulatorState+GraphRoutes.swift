/// Routes Microsoft Graph v1.0 requests.
extension EmulatorState {
    func handleGraph(_ request: EmulatorRequest, segments: [String]) -> EmulatorResponse {
        GraphErrorBody.response(501, code: "NotImplemented", message: "The Graph emulator is being built (issue 3).")
    }
}

extension EmulatorState {
    func controlGraph(
        _ request: EmulatorRequest, segments: [String], body: JSONValue
    ) throws(EmulatorError)
        -> EmulatorResponse
    {
        throw EmulatorError("the Graph control API is being built (issue 3)")
    }

    func loadGraphDocument(_ document: JSONValue) throws(EmulatorError) -> Int {
        0
    }
}
