#if canImport(Glibc)
import Glibc
#endif
import CFuse
import Foundation

/// Runs an action on a dedicated thread whenever the process receives one of some signals.
///
/// The C handler only writes the signal number to a pipe, the one thing a handler can safely do; a thread
/// blocked reading the pipe does the real work. (Dispatch signal sources are unreliable here: on Linux
/// they see a signal only if the thread the kernel picks has it blocked.)
final class SignalForwarding: @unchecked Sendable {
    // @unchecked: all properties are immutable; the reader thread owns `readEnd`.
    private let signals: [Int32]
    private let writeEnd: Int32

    init(signals: [Int32], action: @escaping @Sendable (Int32) -> Void) throws {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw FUSESessionError.signalHandlingFailed(errno: errno) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }  // not inherited by tools we spawn
        let readEnd = ends[0]
        self.signals = signals
        self.writeEnd = ends[1]
        guard cfuse_forward_signals(signals, Int32(signals.count), writeEnd) == 0 else {
            let error = errno
            cfuse_restore_signals(signals, Int32(signals.count))
            close(readEnd)
            close(writeEnd)
            throw FUSESessionError.signalHandlingFailed(errno: error)
        }
        let thread = Thread {
            var number: UInt8 = 0
            while true {
                let count = read(readEnd, &number, 1)
                if count == 1 {
                    action(Int32(number))
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break  // end of file: stop() closed the write end
                }
            }
            close(readEnd)
        }
        thread.name = "boxfs-signals"
        thread.start()
    }

    /// Restores the signals' default actions and ends the reader thread.
    func stop() {
        cfuse_restore_signals(signals, Int32(signals.count))
        close(writeEnd)
    }
}
