/*
 * pvmtrace_html.c - one self-contained page with a space-time diagram of
 * the run: a line per task (grouped by host), a bar per call, an arrow
 * per message; the wheel zooms, dragging pans, hovering shows details.
 * Inline CSS and script only: the page loads nothing.
 */
#include "pvmtrace.h"

static const char page_head[] =
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
    "<title>pvmtrace: space-time diagram</title>\n<style>\n"
    "body{font:13px sans-serif;margin:8px;background:#fff;color:#222}\n"
    "#view{border:1px solid #ccc;width:100%;height:auto;cursor:grab;user-select:none}\n"
    ".task{stroke:#888;stroke-width:1}\n.lbl{font:11px monospace;fill:#333}\n"
    ".call{fill:#8ab;opacity:.8}\n.call.recv,.call.trecv,.call.nrecv{fill:#e96}\n"
    ".call.barrier{fill:#c6c}\n.msg{stroke:#147;stroke-width:1.2;fill:none}\n"
    ".msg:hover,.call:hover{stroke:#f00;stroke-width:2.5}\n"
    "#info{font:12px monospace;min-height:1.5em;white-space:pre}\n"
    "</style></head><body>\n"
    "<div>pvmtrace &mdash; wheel: zoom, drag: pan, double-click: whole run. "
    "<span id=\"sum\"></span></div>\n<div id=\"info\"></div>\n"
    "<svg id=\"view\" xmlns=\"http://www.w3.org/2000/svg\"></svg>\n"
    "<script type=\"application/json\" id=\"data\">\n";

static const char page_tail[] =
    "</script>\n<script>\n"
    "'use strict';\n"
    "const D=JSON.parse(document.getElementById('data').textContent);\n"
    "const tasks=D.pvmxTasks.slice().sort((a,b)=>a.host-b.host||a.tid-b.tid);\n"
    "const row={};tasks.forEach((t,i)=>row[t.tid]=i);\n"
    "const calls=D.traceEvents.filter(e=>e.ph==='X');\n"
    "const msgs=D.pvmxMessages;\n"
    "let end=1;calls.forEach(c=>end=Math.max(end,c.ts+c.dur));\n"
    "msgs.forEach(m=>end=Math.max(end,m.send_ts,m.recv_ts||0));\n"
    "const W=1200,L=170,R=20,H=34,T=20;let x0=0,x1=end;\n"
    "const svg=document.getElementById('view'),info=document.getElementById('info');\n"
    "const NS='http://www.w3.org/2000/svg';\n"
    "svg.setAttribute('viewBox','0 0 '+W+' '+(T+H*tasks.length+20));\n"
    "document.getElementById('sum').textContent=tasks.length+' tasks, '+msgs.length+' "
    "messages, '+(end/1000).toFixed(3)+' ms';\n"
    "const hex=t=>'t'+(t>>>0).toString(16);\n"
    "const X=us=>L+(us-x0)/(x1-x0)*(W-L-R);\n"
    "const Y=tid=>T+H*row[tid]+H/2;\n"
    "function el(n,a,tip){const e=document.createElementNS(NS,n);for(const k in "
    "a)e.setAttribute(k,a[k]);"
    "if(tip){const "
    "t=document.createElementNS(NS,'title');t.textContent=tip;e.appendChild(t);"
    "e.addEventListener('mouseover',()=>info.textContent=tip);}svg.appendChild(e);return "
    "e;}\n"
    "function draw(){svg.textContent='';\n"
    " const d=document.createElementNS(NS,'defs');d.innerHTML='<marker id=\"ah\" "
    "viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
    "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" "
    "fill=\"#147\"/></marker>';svg.appendChild(d);\n"
    " tasks.forEach(t=>{const "
    "y=Y(t.tid);el('line',{class:'task','data-tid':t.tid,x1:L,x2:W-R,y1:y,y2:y});\n"
    "  const l=el('text',{class:'lbl',x:4,y:y+4});l.textContent=hex(t.tid)+' '+t.name+' "
    "@'+hex(t.host<<18);});\n"
    " calls.forEach(c=>{if(row[c.tid]===undefined||c.ts+c.dur<x0||c.ts>x1)return;const "
    "a=X(c.ts),b=X(c.ts+c.dur);\n"
    "  el('rect',{class:'call "
    "'+c.name,x:a,y:Y(c.tid)-6,width:Math.max(1,b-a),height:12},\n"
    "   c.name+' by '+hex(c.tid)+' at '+(c.ts/1000).toFixed(3)+' ms, '+c.dur+' "
    "us'+(c.args.peer>0?', peer '+hex(c.args.peer):'')+\n"
    "   (c.args.tag>=0?', tag '+c.args.tag:'')+(c.args.n>=0?', "
    "'+c.args.n+(c.name==='barrier'?' members':' bytes'):'')+(c.args.name?', "
    "'+c.args.name:''));});\n"
    " msgs.forEach(m=>{if(m.recv_ts===null||row[m.src]===undefined||row[m.dst]==="
    "undefined)return;\n"
    "  if(Math.max(m.send_ts,m.recv_ts)<x0||Math.min(m.send_ts,m.recv_ts)>x1)return;\n"
    "  "
    "el('line',{class:'msg','data-id':m.id,x1:X(m.send_ts),y1:Y(m.src),x2:X(m.recv_ts),"
    "y2:Y(m.dst),'marker-end':'url(#ah)'},\n"
    "   'message '+m.id+': '+hex(m.src)+' -> '+hex(m.dst)+', tag '+m.tag+', context "
    "'+m.ctx+', '+m.bytes+' bytes, route '+m.route+\n"
    "   ', sent '+(m.send_ts/1000).toFixed(3)+' ms, received "
    "'+(m.recv_ts/1000).toFixed(3)+' ms');});}\n"
    "svg.addEventListener('wheel',ev=>{ev.preventDefault();const "
    "r=svg.getBoundingClientRect();\n"
    " const px=(ev.clientX-r.left)/r.width*W;const at=x0+(px-L)/(W-L-R)*(x1-x0);const "
    "f=ev.deltaY<0?0.8:1.25;\n"
    " x0=at-(at-x0)*f;x1=at+(x1-at)*f;draw();},{passive:false});\n"
    "let drag=null;svg.addEventListener('mousedown',ev=>drag={x:ev.clientX,a:x0,b:x1});\n"
    "window.addEventListener('mouseup',()=>drag=null);\n"
    "window.addEventListener('mousemove',ev=>{if(!drag)return;const "
    "r=svg.getBoundingClientRect();\n"
    " const "
    "du=(ev.clientX-drag.x)/r.width*W/"
    "(W-L-R)*(drag.b-drag.a);x0=drag.a-du;x1=drag.b-du;draw();});\n"
    "svg.addEventListener('dblclick',()=>{x0=0;x1=end;draw();});\n"
    "draw();\n"
    "</script></body></html>\n";

int write_html(const struct timeline *tl, FILE *f)
{
	fputs(page_head, f);
	if (write_chrome_json(tl, f) < 0)
		return -1;
	fputs(page_tail, f);
	return ferror(f) ? -1 : 0;
}
