import Foundation
import LiandongDomain

/// The usage text of `liandong help`.
enum Help {
    static let version = "0.1.0"

    /// `help --json`: the version, the usage lines, and the command names.
    static var json: JSONValue {
        let usage = text.split(separator: "\n").filter { $0.hasPrefix("  liandong ") }.map { $0.trimmingCharacters(in: .whitespaces) }
        let commands = usage.compactMap { $0.split(separator: " ").dropFirst().first }.flatMap { $0.split(separator: "|").map(String.init) }
        return ["version": .string(version), "usage": .strings(usage), "commands": .strings(Array(Set(commands)).sorted()), "text": .string(text)]
    }

    static let text = """
    liandong \(version) — 县、乡镇、村三级政务服务办件协同

    用法（所有命令都需要 --data DIR，或读配置文件 /etc/liandong/liandong.conf（--config FILE）；加 --json 输出一个 JSON 文档）：
      liandong init --data DIR --role county|township|village --code CODE --name NAME [--listen HOST:PORT]
                    [--parent URL --enroll TOKEN [--ca FILE]]      加入上级（口令由上级 node add 签发）
      liandong node add --data DIR --code CODE --role township|village --name NAME [--ttl-hours 24]   签发一次性加入口令
      liandong node rekey --data DIR CODE --reason TEXT [--ttl-hours 24]   下级丢失密钥且无备份：签发重新登记口令（新电脑用 init --enroll 加入，取回原有办件）
      liandong node list --data DIR                  登记表：各节点、状态、最近联系、密钥重新登记记录
      liandong node revoke --data DIR CODE [--reason TEXT]   撤销下级节点
      liandong staff add --data DIR --login L --name NAME --role acceptor,reviewer,approver,admin,auditor [--password P]
      liandong staff list --data DIR | disable|enable LOGIN | passwd LOGIN [--password P] | roles LOGIN --role R,R | totp LOGIN | require-totp on|off   工作台账号
      liandong tls announce --data DIR --cert NEW.pem [--retire-current] | tls show --data DIR   向下级公告新的 TLS 公钥（先公告、后换证书）
      liandong serve --data DIR [--listen HOST:PORT] [--tls-cert F --tls-key F] [--ca F] [--insecure-http]
      liandong sync --data DIR --once [--ca F]         与上级同步一次
      liandong bundle export --data DIR --to FILE [--for CHILD]   断网时用 U 盘交换：写出上级（或 --for 指定的直属下级）缺少的变更和附件（签名数据包）
      liandong bundle import --data DIR FILE         导入对方的数据包（整包验签，被改动则整包拒收；重复导入不会重复入库）
      liandong catalog import --data DIR FILE        发布事项目录（县）
      liandong catalog list|show CODE --data DIR
      liandong calendar set --data DIR FILE          设置工作日历（县）
      liandong calendar show --data DIR [--year Y]
      liandong case accept --data DIR --item CODE --applicant-name NAME --applicant-id ID --phone PHONE
                           [--material ID]... [--tolerate-missing] [--mail ADDRESS] [--collect-at CODE] [--actor STAFF]
      liandong case refuse ... --reason R [--reason R]...
      liandong case show|list --data DIR [NUMBER] [--state S] [--deadline on_time|due_soon|overdue] [--open]
      liandong case review|forward NUMBER [--opinion TEXT]
      liandong case approve NUMBER [--opinion TEXT] | deny NUMBER --reason R...
      liandong case request-supplement NUMBER --material ID... [--note TEXT] | supplement NUMBER --material ID...
      liandong case issue NUMBER [--document-name N] [--document-number N] [--valid-until YYYY-MM-DD] [--file FILE]
      liandong case attach NUMBER --material ID FILE   上传材料（PDF、OFD、JPEG、PNG，按内容判断；单个 20 MB、每件 200 MB）
      liandong case files NUMBER --to FOLDER           导出办件的全部附件
      liandong case deliver NUMBER [--method collected|mailed] [--tracking-number N]
      liandong case evaluate NUMBER --level 1-5 [--comment TEXT] | follow-up NUMBER --result TEXT
      liandong case withdraw NUMBER --reason R | extend NUMBER --reason R [--days 10]
      liandong case special-start NUMBER --procedure P --reason R | special-end NUMBER [--result TEXT]
      liandong case transfer NUMBER --to CODE --reason R | update-contact NUMBER [--phone P] [--address A]
      liandong case rehandle NUMBER --reason R        责令重新办理被不予受理或不予许可的办件（县）
      liandong notice list --data DIR [--node CODE] [--item CODE] [--from D] [--to D]    一次性告知记录
      liandong filings list --data DIR [--node CODE] [--item CODE] [--from D] [--to D]   否定备案（不予受理、不予许可）
      liandong settings evaluation --data DIR [--default-days N] [--default-level 1-3] [--follow-up-days N]   好差评设置（县）
      liandong settings show|apply-default-ratings --data DIR
      liandong case print NUMBER --document KIND --to FILE --data DIR [--public-base URL] [--review-body NAME] [--court NAME]
                           打印文书（A4 HTML）：acceptance-notice|one-time-notice|refusal-notice|supplement-notice|decision|delivery-receipt
      liandong case print --document one-time-notice --to FILE --data DIR --item CODE --applicant-name NAME --applicant-id ID --phone PHONE [--material ID]...
                           未受理申请的一次性告知书
      liandong conflicts list --data DIR [--all]
      liandong conflicts resolve --data DIR ID --note TEXT [--keep winner|loser|VALUE|CASE]
      liandong quarantine list --data DIR [--all]      本节点隔离区：被拒收的变更、原因、来自哪个节点
      liandong quarantine retry --data DIR ORIGIN#SEQ...|--all   原因排除后重新核验隔离的变更
      liandong status|verify --data DIR
      liandong stats --data DIR [--from D] [--to D] [--node CODE]   统计：合计、按事项、按节点（含下级）
      liandong backup --data DIR [--to FILE] [--passphrase-file F] [--keep-days N]   备份数据库、私钥与附件（0600，可加密）
      liandong backup check FILE|--latest [--passphrase-file F]   不恢复而证明备份可以恢复
      liandong restore --data DIR --from FILE [--passphrase-file F]   恢复到空目录（新电脑）；serve 运行时拒绝
      liandong doctor --data DIR                     体检：时钟、磁盘、完整性、权限、证书、备份、上级连接
      liandong heal status --data DIR ; liandong heal end --data DIR --reason 原因   恢复后等待下级回传本节点变更
      liandong demo [--keep] [--stay] [--deadline SECONDS]   县、两个乡镇、三个村六个进程的三级联动演示（--stay 演示后保持运行，Ctrl-C 停止）
      liandong demo --single [--keep]                单节点演示（模拟时钟，展示时限规则）

    """
}
