/// Assets are the workbench's only style sheet, script and icon, compiled into the binary: no
/// CDN, no font download, nothing fetched from outside (it must work with the link down).
/// Written for Chromium 86 (no optional chaining in the script, no CSS nesting).
enum Assets {
    static let css = """
    *{box-sizing:border-box}
    body{margin:0;font:14px/1.5 "Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;color:#1d2733;background:#f3f5f8}
    header{display:flex;align-items:center;gap:16px;background:#1f4e86;color:#fff;padding:6px 16px;flex-wrap:wrap}
    header .brand{font-weight:bold;font-size:16px}
    header nav{display:flex;gap:4px;flex-wrap:wrap;flex:1}
    header nav a{color:#fff;text-decoration:none;padding:4px 8px;border-radius:3px}
    header nav a.on,header nav a:hover{background:#2f6fb3}
    header form{margin:0}
    header button{background:transparent;color:#fff;border:1px solid #9fb9da;padding:2px 8px;cursor:pointer}
    .who{font-size:13px}
    .link{font-size:12px;padding:2px 8px;border-radius:10px;background:#e8eef6;color:#1d2733}
    .link.online,.link.root{background:#d7f0dc}
    .link.offline{background:#e8eef6}
    .link.warning{background:#ffe9a8}
    .link.error{background:#f8c9c4;color:#8a1c12;font-weight:bold}
    main{max-width:1320px;margin:0 auto;padding:12px 16px}
    h1{font-size:20px;margin:6px 0 12px}
    h2{font-size:16px;margin:16px 0 8px;border-left:4px solid #2f6fb3;padding-left:8px}
    table{border-collapse:collapse;width:100%;background:#fff}
    th,td{border:1px solid #d5dce5;padding:4px 8px;text-align:left;vertical-align:top}
    th{background:#eaf0f7;font-weight:normal;color:#40536b}
    .field{margin:6px 0;display:flex;align-items:center;gap:8px;flex-wrap:wrap}
    .field label{min-width:110px;color:#40536b}
    input[type=text],input[type=password],input[type=number],input[type=date],select,textarea{padding:4px 6px;border:1px solid #b8c4d2;border-radius:3px;font:inherit;min-width:260px}
    textarea{min-width:420px}
    button{font:inherit;padding:5px 14px;border:1px solid #1f4e86;background:#2f6fb3;color:#fff;border-radius:3px;cursor:pointer;margin:2px 4px 2px 0}
    button.secondary{background:#fff;color:#1f4e86}
    button.danger{background:#b3392f;border-color:#8a1c12}
    .panel{background:#fff;border:1px solid #d5dce5;padding:10px 14px;margin:8px 0;border-radius:3px}
    img.page{max-width:320px;max-height:240px;border:1px solid #d5dce5;margin-top:4px}
    iframe.page{width:100%;min-width:320px;height:420px;border:1px solid #d5dce5;margin-top:4px}
    .blob-transit{color:#9a6700}
    .grid{display:grid;grid-template-columns:1fr 1fr;gap:12px}
    .actions form{border-top:1px dashed #d5dce5;padding:6px 0}
    .light{display:inline-block;padding:0 8px;border-radius:9px;font-size:12px;color:#fff}
    .light.green{background:#2e8b57}.light.yellow{background:#d89b00}.light.red{background:#c0392b}.light.done{background:#7f8c8d}
    .error{background:#fdecea;border:1px solid #e7a69f;color:#8a1c12;padding:8px 12px;margin:8px 0}
    .notice{background:#eaf6ec;border:1px solid #9fd3a9;padding:8px 12px;margin:8px 0}
    .hint{font-size:12px;color:#6b7c90}
    .hint.bad{color:#c0392b}.hint.good{color:#2e8b57}
    .required{color:#c0392b;font-size:12px}
    .materials label{min-width:0}
    form.inline{display:inline}
    .tabs a{display:inline-block;padding:4px 10px;margin-right:4px;background:#e8eef6;color:#1f4e86;text-decoration:none;border-radius:3px}
    .tabs a.on{background:#2f6fb3;color:#fff}
    .pager{margin:8px 0}
    .muted{color:#6b7c90}
    .token{font-family:monospace;font-size:15px;background:#fffbe6;padding:6px;border:1px solid #e6d48a;word-break:break-all}
    figure.chart{margin:8px 0;background:#fff;border:1px solid #d5dce5;padding:8px}
    .login{max-width:420px;margin:60px auto;background:#fff;border:1px solid #d5dce5;padding:20px 24px}
    @media print{header,.actions,.noprint{display:none}body{background:#fff}}
    """

    static let js = """
    (function(){
      'use strict';
      var ID_W=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2], ID_C='10X98765432';
      var CC_A='0123456789ABCDEFGHJKLMNPQRTUWXY', CC_W=[1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28];
      function checkResident(v){
        v=v.toUpperCase();
        if(!/^[0-9]{17}[0-9X]$/.test(v)) return '应为 18 位（最后一位可为 X）';
        var s=0; for(var i=0;i<17;i++) s+=Number(v[i])*ID_W[i];
        return ID_C[s%11]===v[17] ? '' : '校验位不符（GB 11643）';
      }
      function checkCredit(v){
        v=v.toUpperCase();
        if(v.length!==18) return '应为 18 位';
        var s=0; for(var i=0;i<17;i++){ var k=CC_A.indexOf(v[i]); if(k<0) return '含有不允许的字符'; s+=k*CC_W[i]; }
        var c=31-s%31; if(c===31) c=0;
        return CC_A[c]===v[17] ? '' : '校验位不符（GB 32100）';
      }
      function wireIdCheck(){
        var input=document.getElementById('applicantId'); if(!input) return;
        var kind=document.getElementById('idType'); var hint=document.getElementById('applicantId-hint');
        function run(){
          var v=input.value.trim(); if(!v){ hint.textContent=''; hint.className='hint'; return; }
          var msg=(kind && kind.value==='credit_code') ? checkCredit(v) : checkResident(v);
          hint.textContent = msg ? ('号码有误：'+msg) : '号码校验通过';
          hint.className = msg ? 'hint bad' : 'hint good';
        }
        input.addEventListener('input',run); if(kind) kind.addEventListener('change',run); run();
      }
      function wireConfirm(){
        var buttons=document.querySelectorAll('button[data-confirm]');
        for(var i=0;i<buttons.length;i++){
          buttons[i].addEventListener('click',function(e){ if(!window.confirm(this.getAttribute('data-confirm'))) e.preventDefault(); });
        }
      }
      function wirePrint(){
        var buttons=document.querySelectorAll('button[data-print]');
        for(var i=0;i<buttons.length;i++) buttons[i].addEventListener('click',function(e){ e.preventDefault(); window.print(); });
      }
      function busyEditing(region){
        var a=document.activeElement;
        return a && region.contains(a) && (a.tagName==='INPUT'||a.tagName==='TEXTAREA'||a.tagName==='SELECT') && a.value;
      }
      function refresh(region){
        return fetch(location.href,{credentials:'same-origin'}).then(function(r){ return r.text(); }).then(function(text){
          var doc=new DOMParser().parseFromString(text,'text/html');
          var fresh=doc.getElementById('live'); if(!fresh) return;
          if(busyEditing(region)) return;
          region.innerHTML=fresh.innerHTML; region.setAttribute('data-version',fresh.getAttribute('data-version'));
          wireIdCheck(); wireConfirm(); wirePrint();
        });
      }
      function live(){
        var region=document.getElementById('live'); if(!region) return;
        var version=region.getAttribute('data-version')||'0';
        fetch('/live?v='+encodeURIComponent(version),{credentials:'same-origin'}).then(function(r){
          if(r.status===401){ location.href='/login'; return null; }
          return r.json();
        }).then(function(answer){
          if(!answer) return;
          // A wake without a version is only a hint: ask again, and refresh only when the log moved.
          if(answer.changed && answer.v && answer.v!==version){ return refresh(region).then(live); }
          live();
        }).catch(function(){ setTimeout(live,3000); });
      }
      document.addEventListener('DOMContentLoaded',function(){ wireIdCheck(); wireConfirm(); wirePrint(); live(); });
    })();
    """

    static let icon = """
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f4e86"/><path d="M8 16h16M16 8v16" stroke="#fff" stroke-width="4"/></svg>
    """
}
