/// SetupPage renders the first-run page: a plain HTML form in Chinese, no script, no external
/// asset, usable in Chromium 86 on a 1366×768 screen (DESIGN §9).
enum SetupPage {
    static func form(csrf: String, values: [String: String] = [:], problems: [String] = []) -> String {
        func value(_ key: String) -> String { escape(values[key] ?? "") }
        func selected(_ role: String) -> String { values["role"] == role ? " checked" : "" }
        let errors = problems.isEmpty ? "" :
            "<div class=\"errors\" role=\"alert\"><p>请修改以下内容后再提交：</p><ul>"
            + problems.map { "<li>\(escape($0))</li>" }.joined() + "</ul></div>"
        return page(title: "联动 · 初始化本节点", body: """
            <h1>初始化本节点</h1>
            <p class="lead">本机还没有初始化。填写下面的内容即可加入上级；这些信息由上级（乡镇或县）管理员提供。</p>
            \(errors)
            <form method="post" action="/setup">
              <input type="hidden" name="csrf" value="\(escape(csrf))">
              <fieldset><legend>节点类型</legend>
                <label><input type="radio" name="role" value="village"\(selected("village"))> 村级代办点</label>
                <label><input type="radio" name="role" value="township"\(selected("township"))> 乡镇便民服务中心</label>
                <label><input type="radio" name="role" value="county"\(selected("county"))> 县政务服务中心</label>
              </fieldset>
              <label>区划代码（村 12 位、乡镇 9 位、县 6 位）<input name="code" inputmode="numeric" value="\(value("code"))"></label>
              <label>节点名称<input name="name" value="\(value("name"))" placeholder="例如：绕城村代办点"></label>
              <label>上级地址（县可不填）<input name="parent" value="\(value("parent"))" placeholder="https://10.1.9.2:8750"></label>
              <label>一次性加入口令（县可不填）<textarea name="token" rows="3">\(value("token"))</textarea></label>
              <button type="submit">初始化并加入上级</button>
            </form>
            """)
    }

    /// The administrator's one-time password is shown here once, as `init` prints it: the village agent
    /// who set the node up has no terminal, and it must be changed at the first login (等保 2.0 身份鉴别).
    static func done(name: String, code: String, parent: String?, adminPassword: String) -> String {
        page(title: "联动 · 初始化完成", body: """
            <h1>初始化完成</h1>
            <p class="lead">本节点「\(escape(name))」（\(escape(code))）已经建立\(parent.map { "，并已加入上级「\(escape($0))」" } ?? "")。</p>
            <div class="credentials"><p>工作台管理员账号：<strong>admin</strong></p>
            <p>一次性密码：<strong id="admin-password">\(escape(adminPassword))</strong></p>
            <p>请立即抄下；本页关闭后不再显示。首次登录时必须修改密码。</p></div>
            <p>服务正在启动，几秒钟后刷新本页即可进入工作台。</p>
            """)
    }

    static func refused(_ message: String) -> String {
        page(title: "联动 · 拒绝", body: "<h1>无法处理</h1><p class=\"lead\">\(escape(message))</p><p><a href=\"/\">返回</a></p>")
    }

    private static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <title>\(escape(title))</title>
        <style>
        body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;max-width:40em;margin:2em auto;padding:0 1em;color:#222}
        h1{font-size:1.5em}.lead{color:#444}label{display:block;margin:.8em 0}
        input:not([type=radio]),textarea{display:block;width:100%;box-sizing:border-box;padding:.4em;font-size:1em}
        fieldset{border:1px solid #ccc}fieldset label{display:inline-block;margin-right:1.5em}
        button{font-size:1.1em;padding:.5em 1.5em}.errors{border:1px solid #c00;background:#fee;padding:.5em 1em}
        </style></head><body>
        \(body)
        </body></html>
        """
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
