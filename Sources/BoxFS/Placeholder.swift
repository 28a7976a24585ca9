import CFuse
import COpenSSL
import Cache
enum BoxFSPlaceholder { static let v = cfuse_placeholder() }
