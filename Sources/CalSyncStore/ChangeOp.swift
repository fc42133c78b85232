/// What a row of `changes` says happened to an event (`changes.op`, docs/store.md).
enum ChangeOp: String, Sendable {
    case upsert
    case delete
}
