import Foundation
import Testing

@testable import CalSyncAuth
@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncStore

/// Who may ask for what on the control socket: destructive requests only from root or
/// the daemon's own user (issue 16).
struct ControlAccessTests {
    static let access = ControlAccess(daemonUID: 990)
    static let reader = ControlPeer(pid: 4242, uid: 1000, gid: 990)

    @Test func aReaderInTheGroupMayPollButNotDestroy() {
        #expect(Self.access.refusal(for: ControlRequest(command: .status), from: Self.reader) == nil)
        #expect(Self.access.refusal(for: ControlRequest(command: .sync, full: true), from: Self.reader) == nil)
        let forced = Self.access.refusal(
            for: ControlRequest(command: .sync, full: true, force: true), from: Self.reader)
        #expect(forced?.contains("sync --force bypasses the deletion safety valve") == true)
        #expect(forced?.contains("only root or calsyncd's own user (uid 990)") == true)
        #expect(forced?.contains("you are uid 1000") == true)
        let forget = Self.access.refusal(for: ControlRequest(command: .forget, account: "old"), from: Self.reader)
        #expect(forget?.contains("forget deletes an account's data") == true)
        #expect(Self.access.refusal(for: ControlRequest(command: .debugWedgeScheduler), from: Self.reader) != nil)
        #expect(!Self.access.isPrivileged(Self.reader))
    }

    @Test func rootAndTheDaemonsUserMayDoAnything() {
        for uid: UInt32 in [0, 990] {
            let peer = ControlPeer(pid: 1, uid: uid, gid: 0)
            #expect(Self.access.isPrivileged(peer))
            #expect(Self.access.refusal(for: ControlRequest(command: .forget, account: "old"), from: peer) == nil)
            #expect(
                Self.access.refusal(for: ControlRequest(command: .sync, full: true, force: true), from: peer) == nil)
        }
    }

    @Test func aPeerTheKernelDidNotNameIsNotPrivileged() {
        #expect(!Self.access.isPrivileged(nil))
        let refusal = Self.access.refusal(for: ControlRequest(command: .forget, account: "old"), from: nil)
        #expect(refusal?.contains("the kernel did not say who you are") == true)
    }
}
