"""Every text the web pages show, Thai first and English (``--lang en``).

States, severities and the recurring headings are the vocabulary's words
(``core/vocabulary.py``), added to the table below under the keys the templates use."""

from __future__ import annotations

from ita_xlsx.core.vocabulary import FILE_STATES, HEADINGS, ORG_STATES, SEVERITIES, Word

TEXTS: dict[str, tuple[str, str]] = {
    "app.title": ("ITA รอบรายงาน", "ITA round"),
    "nav.round": ("ภาพรวมรอบ", "The round"),
    "nav.returns": ("รับไฟล์ที่ส่งกลับ", "Take in returns"),
    "nav.make": ("สร้างแบบรายงาน", "Make the round"),
    "nav.report": ("รายงานรวม", "The report"),
    "folder": ("โฟลเดอร์รอบ", "Round folder"),
    # statuses
    "status.all": ("ทั้งหมด", "All"),
    # the round model's states of an organisation (core.vocabulary.ORG_STATES) are added below
    "round.summary": ("ไฟล์ที่นับ", "Counting"),
    "round.unplaced": ("ไฟล์ที่ไม่ทราบว่าเป็นของหน่วยงานใด", "Files nobody can tell whose"),
    "round.own_outputs": ("ไฟล์ที่โปรแกรมสร้าง บันทึกไว้ปนกับแบบรายงาน (ไม่นับ)",
                          "The tool's own outputs saved among the returns (not counted)"),
    "round.counted_files": ("ตัวเลขของอำเภอนับจากไฟล์เหล่านี้", "The district's figures count these files"),
    "kind.return": ("แบบรายงาน", "return"),
    "kind.pdf": ("ไฟล์ PDF", "a PDF"),
    "kind.word": ("เอกสาร Word", "a Word document"),
    "kind.image": ("รูปภาพ", "an image"),
    "kind.zip": ("ไฟล์ ZIP", "a ZIP archive"),
    "kind.mail": ("ข้อความอีเมล", "a mail message"),
    "kind.other": ("ไฟล์อื่น", "another file"),
    "kind.refused": ("ไฟล์ที่ไม่ได้เปิด", "a file not opened"),
    "kind.feedback": ("สำเนาแจ้งผล", "a feedback copy"),
    "kind.check-report": ("รายงานผลการตรวจ", "a check report"),
    "kind.report": ("รายงานรวม", "a consolidated report"),
    "org.replies": ("ข้อความที่ตอบกลับโดยไม่มีไฟล์แบบรายงาน", "Replies without a workbook"),
    "org.state_why": ("เหตุผล", "Why"),
    "org.set_aside_button": ("ไม่นับไฟล์นี้", "Does not count"),
    "org.restore_button": ("นับตามปกติ", "Restore"),
    "org.reason": ("เหตุผล", "Reason"),
    "org.reason_needed": ("ระบุเหตุผลก่อนกดปุ่ม (เหตุผลจะแสดงในทุกหน้าของรอบนี้)",
                          "Give the reason first (every surface of the round shows it)"),
    "org.officer_set_aside": ("เจ้าหน้าที่ระบุว่าไม่นับ", "Set aside by the officer"),
    "report.figures": ("ตัวเลขของอำเภอ", "The district's figures"),
    "report.states": ("สถานะของหน่วยงาน", "Organisations by state"),
    "report.indicator": ("ตัวชี้วัด", "Indicator"),
    "report.mean": ("คะแนนเฉลี่ย", "Mean"),
    "report.n_files": ("จำนวนไฟล์", "Files"),
    "report.results": ("ผลการดำเนินการ", "Results"),
    "report.done": ("ดำเนินการแล้ว", "Done"),
    "report.in_progress": ("อยู่ระหว่างดำเนินการ", "In progress"),
    "report.not_started": ("ยังไม่ดำเนินการ", "Not started"),
    "report.measures": ("มาตรการ", "Measures"),
    "report.with_evidence": ("มีหลักฐาน", "With evidence"),
    "report.district": ("หัวบันทึกข้อความของอำเภอ", "The district's memo header"),
    "report.district_help": ("บันทึกลงในไฟล์ ita-settings.toml ส่วน [district] ของโฟลเดอร์รอบนี้",
                             "Saved into the [district] section of this round's ita-settings.toml"),
    "report.district_save": ("บันทึก", "Save"),
    "report.district_saved": ("บันทึกหัวบันทึกข้อความแล้ว", "The header is saved"),
    "report.emblem": ("ตราครุฑของสำนักงาน", "The office's emblem"),
    "report.emblem_help": ("ภาพตราครุฑ (.png หรือ .jpg) หรือแบบบันทึกข้อความ (.docx) ที่มีตราครุฑของสำนักงาน "
                           "ใช้พิมพ์บนประกาศ (๓ ซม.) และบันทึกข้อความ (๑.๕ ซม.) เก็บไว้ในโฟลเดอร์รอบนี้ "
                           "และระบุใน ita-settings.toml หัวข้อ [documents]",
                           "The emblem image (.png or .jpg) or the office's letterhead (.docx) "
                           "holding it, printed on the announcement (3 cm) and the memos "
                           "(1.5 cm); kept in this round's folder and named in "
                           "ita-settings.toml [documents]"),
    "report.emblem_file": ("ไฟล์ตราครุฑ", "Emblem file"),
    "report.emblem_save": ("บันทึกตราครุฑ", "Save the emblem"),
    "report.emblem_remove": ("ไม่ใช้ตราครุฑ", "Use no emblem"),
    "report.emblem_saved": ("บันทึกการตั้งค่าตราครุฑแล้ว เอกสารที่ทำต่อจากนี้จะใช้ค่านี้",
                            "The emblem setting is saved; documents made from now on use it"),
    "report.emblem_in_use": ("เอกสารจะพิมพ์ตรานี้", "The documents will carry this emblem"),
    "report.emblem_absent": ("ยังไม่มีตราครุฑ เอกสารจะเว้นที่ว่างของตราไว้",
                             "No emblem yet: the documents keep its space blank"),
    "report.emblem_none_sent": ("ยังไม่ได้เลือกไฟล์ตราครุฑ", "No emblem file was chosen"),
    "district.name": ("ชื่ออำเภอ", "District name"),
    "district.office": ("ส่วนราชการ", "Office"),
    "district.document_prefix": ("เลขที่หนังสือ (ที่)", "Document number prefix"),
    "district.signer_name": ("ชื่อผู้ลงนาม", "Signer's name"),
    "district.signer_position": ("ตำแหน่งผู้ลงนาม", "Signer's position"),
    "district.addressee": ("เรียน", "Addressee"),
    "count.orgs": ("หน่วยงาน", "Organisations"),
    # round page
    "round.heading": ("ภาพรวมรอบการรายงาน", "The round at a glance"),
    "round.empty": ("โฟลเดอร์นี้ยังไม่มีรอบการรายงาน", "This folder holds no round yet"),
    "round.empty_help": (
        "เริ่มรอบใหม่ได้ที่หน้า \"สร้างแบบรายงาน\" (อัปโหลดรายชื่อหน่วยงาน) หรือรับไฟล์ที่หน่วยงานส่งกลับได้เลยที่หน้า \"รับไฟล์ที่ส่งกลับ\" "
        "ไฟล์ทั้งหมดจะเก็บไว้ในโฟลเดอร์นี้",
        "Start a new round on \"Make the round\" (upload the organisation list), or take in returns "
        "straight away on \"Take in returns\". Everything is kept in this folder."),
    "round.no_list": ("ยังไม่มีรายชื่อหน่วยงาน (orgs.csv) จึงไม่ทราบว่าหน่วยงานใดยังไม่ส่ง",
                      "No organisation list (orgs.csv) yet, so missing returns cannot be shown"),
    "round.filter": ("แสดง", "Show"),
    "round.search": ("ค้นหารหัสหรือชื่อ", "Search code or name"),
    "col.mail_pending": ("(เมื่อมีโมดูลอีเมล)", "(with the mail module)"),
    "not_in_list": ("ไม่อยู่ในรายชื่อ", "not in the list"),
    "unknown_org": ("ไม่ทราบหน่วยงาน", "Unknown organisation"),
    "chart.levels": ("ระดับผลการประเมิน (ไฟล์ที่ผ่าน)", "Levels (valid returns)"),
    "chart.weakest": ("ตัวชี้วัดที่คะแนนเฉลี่ยต่ำสุด", "Weakest indicators (mean score)"),
    "chart.progress": ("ความคืบหน้าของผลการดำเนินการ", "Progress of results"),
    "chart.none": ("ยังไม่มีข้อมูล", "No data yet"),
    "list.problems": ("ปัญหาในรายชื่อหน่วยงาน", "Problems in the organisation list"),
    # returns page
    "returns.heading": ("รับไฟล์ที่หน่วยงานส่งกลับ", "Take in returned workbooks"),
    "returns.help": (
        "ลากไฟล์ โฟลเดอร์ หรือไฟล์ ZIP มาวางในกรอบนี้ ระบบจะตรวจแต่ละไฟล์ทันทีและเก็บไว้ในโฟลเดอร์ returned "
        "โดยตั้งชื่อไฟล์ให้เอง ไฟล์เดิมบนเครื่องไม่ถูกแก้ไข",
        "Drop files, folders or ZIP files onto this box. Each file is checked as it arrives and kept in "
        "the returned folder under a name the tool chooses; your own files are not changed."),
    "returns.drop": ("วางไฟล์ที่นี่", "Drop files here"),
    "returns.pick_files": ("เลือกไฟล์…", "Choose files…"),
    "returns.pick_folder": ("เลือกโฟลเดอร์…", "Choose a folder…"),
    "returns.send": ("ส่งไฟล์ที่เลือก", "Upload the chosen files"),
    "returns.progress": ("กำลังตรวจ", "Checking"),
    "returns.done": ("ตรวจเสร็จแล้ว", "All checked"),
    "returns.see_round": ("ดูภาพรวมรอบ", "See the round"),
    "returns.results": ("ผลการรับไฟล์", "Files taken in"),
    "returns.outcome": ("ผล", "Outcome"),
    "returns.limits": ("ไฟล์ละไม่เกิน {mb} MB ครั้งละไม่เกิน {n} ไฟล์",
                       "Up to {mb} MB a file, {n} files a batch"),
    "outcome.stored": ("รับไว้แล้ว", "Taken in"),
    "outcome.duplicate": ("ซ้ำ", "Duplicate"),
    "outcome.kept": ("เก็บไว้ (ไม่ใช่แบบรายงาน)", "Kept (not a workbook)"),
    "outcome.skipped": ("ข้าม", "Skipped"),
    "outcome.refused": ("ไม่รับ", "Refused"),
    "collect.heading": ("รับจากอีเมล", "From mail"),
    # org page
    "org.counts": ("ใช้ไฟล์นี้", "counts"),
    "org.superseded": ("มีไฟล์ใหม่กว่า", "superseded"),
    "org.set_aside": ("ไฟล์อื่นที่ส่งมา (ไม่ใช่แบบรายงาน)", "Other files sent (not workbooks)"),
    "org.why": ("ไฟล์ที่ใช้คือไฟล์ล่าสุดตามวันที่รายงานที่หน่วยงานกรอก หากวันที่เท่ากันใช้เวลาของไฟล์ "
                "และไฟล์ที่เปิดไม่ได้จะไม่แทนที่ไฟล์ที่เปิดได้",
                "The file that counts is the newest by the report date the organisation entered, "
                "then by the file's time; a file that cannot be read never replaces one that can."),
    "org.original": ("ชื่อเดิม", "Sent as"),
    "org.findings": ("สิ่งที่พบในไฟล์ที่ใช้", "Findings in the file that counts"),
    "org.no_findings": ("ไม่พบข้อผิดพลาด", "No findings"),
    "org.feedback": ("ดาวน์โหลดสำเนาแจ้งผล", "Download the feedback copy"),
    "org.download": ("ดาวน์โหลดไฟล์", "Download the file"),
    "org.no_return": ("หน่วยงานนี้ยังไม่ได้ส่งไฟล์", "No return from this organisation yet"),
    "org.emails": ("อีเมล", "Email"),
    "org.documents": ("เอกสาร (Word)", "Documents (Word)"),
    "org.documents_help": (
        "เอกสารของแบบรายงานที่ใช้: รอบแผนได้ประกาศมาตรการและบันทึกข้อความ รอบ 6/12 เดือนได้รายงานผลและบันทึกข้อความ "
        "ตัวเลขทั้งหมดมาจากแบบรายงานฉบับนี้",
        "The documents of the return that counts: the measures document and its memo for the plan "
        "round, the results report and its memo for 6/12 months; every figure is the workbook's."),
    "org.documents_make": ("ทำเอกสาร", "Make the documents"),
    "org.documents_remake": ("ทำเอกสารใหม่", "Make the documents again"),
    "org.documents_made": ("ทำเอกสารแล้ว", "Documents made"),
    "org.documents_invalid": (
        "ยังทำเอกสารไม่ได้: แบบรายงานที่ใช้มีข้อผิดพลาด {n} รายการ ให้หน่วยงานแก้ตามรายการด้านล่างแล้วส่งกลับมาใหม่",
        "No documents yet: the return that counts has {n} error(s). The organisation fixes them "
        "(listed below) and sends it again."),
    "org.documents_unreadable": (
        "ยังทำเอกสารไม่ได้: ยังไม่มีแบบรายงานที่เปิดอ่านได้ของหน่วยงานนี้",
        "No documents yet: there is no readable return from this organisation."),
    "org.documents_refused": ("ทำเอกสารไม่ได้:", "The documents could not be made:"),
    # make page
    "make.heading": ("สร้างแบบรายงานของรอบ", "Make the round's workbooks"),
    "make.help": ("อัปโหลดรายชื่อหน่วยงาน (.csv หรือ .xlsx มีคอลัมน์ code, name, type, district, "
                  "province, email) เลือกปีงบประมาณ รอบ และกำหนดส่ง แล้วกดสร้าง",
                  "Upload the organisation list (.csv or .xlsx with columns code, name, type, "
                  "district, province, email), choose year, round and deadline, then make."),
    "make.list": ("รายชื่อหน่วยงาน", "Organisation list"),
    "make.current_list": ("รายชื่อปัจจุบัน: {name} ({n} หน่วยงาน)", "Current list: {name} ({n} organisations)"),
    "make.replace_list": ("แทนที่รายชื่อเดิมด้วยไฟล์ที่อัปโหลด", "Replace the current list with the upload"),
    "make.year": ("ปีงบประมาณ (พ.ศ.)", "Fiscal year (BE)"),
    "make.round": ("รอบ", "Round"),
    "make.deadline": ("กำหนดส่ง (วว/ดด/ปปปป)", "Deadline (dd/mm/yyyy BE)"),
    "make.contact": ("ผู้ประสานงาน", "Contact"),
    "make.force": ("เขียนทับแบบรายงานที่มีอยู่แล้ว", "Overwrite workbooks already made"),
    "make.submit": ("สร้างแบบรายงาน", "Make the workbooks"),
    "make.written": ("สร้างแบบรายงานแล้ว {n} ไฟล์ ในโฟลเดอร์ workbooks", "{n} workbooks made in the workbooks folder"),
    "make.refused": ("มีอยู่แล้ว {n} ไฟล์ (ไม่ได้เขียนทับ)", "{n} already there (not overwritten)"),
    "make.zip": ("ดาวน์โหลดแบบรายงานทั้งหมด (ZIP)", "Download all workbooks (ZIP)"),
    "make.have": ("มีแบบรายงานในโฟลเดอร์ workbooks แล้ว {n} ไฟล์", "{n} workbooks in the workbooks folder"),
    "make.no_list": ("ยังไม่มีรายชื่อหน่วยงาน ให้อัปโหลดไฟล์รายชื่อ", "No organisation list yet: upload one"),
    "make.list_exists": ("มีรายชื่อหน่วยงานอยู่แล้ว ถ้าต้องการใช้ไฟล์ใหม่ ให้เลือก \"แทนที่รายชื่อเดิม\"",
                         "A list is already there; tick \"Replace the current list\" to use the new file"),
    "make.other_round": ("โฟลเดอร์นี้มีแบบรายงานของปีงบประมาณ {year} {round} อยู่แล้ว ไม่ได้สร้างแบบรายงานของรอบอื่นปนกัน "
                         "ให้ใช้โฟลเดอร์ใหม่สำหรับรอบอื่น",
                         "This folder already holds the workbooks of fiscal year {year}, {round}; no "
                         "workbooks of another round were added. Use a new folder for another round."),
    "busy": ("กำลัง{what}อยู่ (อาจจากอีกแท็บหนึ่ง) รอให้เสร็จแล้วลองอีกครั้ง",
             "Still {what} (perhaps from another tab); wait for it to finish and try again."),
    "busy.make": ("สร้างแบบรายงาน", "making the workbooks"),
    "busy.upload": ("รับไฟล์ที่ส่งกลับ", "taking in returns"),
    "busy.collect": ("รับอีเมล", "collecting mail"),
    "busy.send": ("ส่งอีเมล", "sending mail"),
    "busy.report": ("ทำรายงานรวม", "building the report"),
    "busy.documents": ("ทำเอกสาร", "making documents"),
    "busy.settings": ("บันทึกหัวบันทึกข้อความ", "saving the memo header"),
    "busy.decision": ("บันทึกการไม่นับหรือนับไฟล์", "recording a decision about a file"),
    "make.list_type": ("ไฟล์รายชื่อต้องเป็น .csv หรือ .xlsx", "The list must be a .csv or .xlsx file"),
    "make.list_empty": ("ไม่พบหน่วยงานที่ใช้ได้ในไฟล์รายชื่อ", "No usable organisation in the list"),
    # report page
    "report.heading": ("รายงานรวมของอำเภอ", "The district's consolidated report"),
    "report.help": ("รวมไฟล์ที่ส่งกลับทั้งหมด (ใช้ไฟล์ล่าสุดของแต่ละหน่วยงาน) เป็นรายงานรวมพร้อมกราฟ และไฟล์ CSV "
                    "เก็บไว้ในโฟลเดอร์ reports",
                    "Consolidates every return (the newest per organisation) into a report with "
                    "charts and CSV files, kept in the reports folder."),
    "report.build": ("สร้างรายงานรวม", "Build the report"),
    "report.built": ("สร้างรายงานรวมแล้ว: {n} หน่วยงาน ใช้เวลา {s} วินาที",
                     "Report built: {n} organisations in {s} s"),
    "report.files": ("ไฟล์ในโฟลเดอร์ reports", "Files in the reports folder"),
    "report.memo": ("บันทึกข้อความของอำเภอ", "The district memo"),
    "report.memo_help": (
        "บันทึกข้อความถึงจังหวัด ตัวเลขจากรอบนี้ตามที่หน้านี้แสดง (ชุดเดียวกับรายงานรวม) "
        "ส่วนหัวหนังสือมาจากแบบฟอร์มหัวบันทึกข้อความด้านล่าง (ita-settings.toml หัวข้อ [district])",
        "The memo to the province, with this round's figures as this page shows them (the "
        "consolidated report's too); the header comes from the form below (ita-settings.toml "
        "[district])."),
    "report.memo_make": ("ทำบันทึกข้อความ", "Make the memo"),
    "report.memo_made": ("ทำบันทึกข้อความแล้ว: {name}", "Memo made: {name}"),
    "report.memo_no_settings": (
        "ไม่พบหัวข้อ [district] ใน ita-settings.toml ส่วนหัวหนังสือจึงเป็นเส้นประให้กรอกเอง",
        "No [district] in ita-settings.toml: the header is left as dotted lines to fill in."),
    "report.memo_needs_report": ("ให้สร้างรายงานรวมก่อน แล้วจึงทำบันทึกข้อความ",
                                 "Build the report first, then the memo."),
    "report.none": ("ยังไม่มีรายงาน", "No report yet"),
    "report.no_returns": ("ยังไม่มีไฟล์ที่ส่งกลับ จึงยังสร้างรายงานรวมไม่ได้",
                          "No returns yet, so there is nothing to consolidate"),
    # mail (when the mail module and [mail] settings exist)
    "mail.collect": ("รับจากอีเมลตอนนี้", "Collect mail now"),
    "mail.collect_help": ("ดึงไฟล์แบบรายงานจากกล่องจดหมายของอำเภอมาไว้ในโฟลเดอร์ returned แล้วตรวจ",
                          "Fetch returned workbooks from the office mailbox into returned/ and check them"),
    "mail.collected": ("อีเมลใหม่ {m} ฉบับ: รับไฟล์ {n} ไฟล์, ซ้ำ {d}, ไม่มีแบบรายงาน {w}, ไม่รับ {r}",
                       "{m} new messages: {n} files saved, {d} duplicates, {w} without a workbook, {r} refused"),
    "mail.send_feedback": ("ส่งสำเนาแจ้งผลทางอีเมล", "Email the feedback copy"),
    "mail.remind": ("ส่งอีเมลเตือน", "Email a reminder"),
    "mail.send_workbooks": ("ส่งแบบรายงานทางอีเมลให้ทุกหน่วยงาน", "Email every organisation its workbook"),
    "mail.sent": ("ส่งถึง {code} แล้ว ({to})", "Sent to {code} ({to})"),
    "mail.already": ("{code}: เคยส่งแล้ว ไม่ส่งซ้ำ", "{code}: sent before, not sent again"),
    "mail.failed": ("{code}: ส่งไม่สำเร็จ — {error}", "{code}: not sent — {error}"),
    "mail.no_address": ("{code}: ไม่มีอีเมลในรายชื่อหน่วยงาน", "{code}: no email address in the list"),
    "mail.no_file": ("{code}: ไม่พบไฟล์ที่จะส่ง", "{code}: no file to send"),
    "mail.skipped": ("{code}: ส่งแบบรายงานที่ผ่านแล้ว ไม่ต้องเตือน", "{code}: returned a valid workbook; no reminder"),
    "mail.nothing": ("ไม่มีอะไรต้องส่ง", "Nothing to send"),
    # errors
    "error.title": ("เกิดข้อผิดพลาด", "Something went wrong"),
    "error.back": ("กลับหน้าภาพรวม", "Back to the round"),
    "error.403": ("ไม่มีสิทธิ์เข้าใช้หน้านี้ ให้เปิดจากลิงก์ที่คำสั่ง ita-xlsx serve แสดง (มีรหัสเข้าใช้ต่อท้าย)",
                  "Not allowed. Open the link that ita-xlsx serve printed (it carries the access token)."),
    "error.csrf": ("แบบฟอร์มหมดอายุหรือไม่ได้มาจากหน้านี้ ให้โหลดหน้าใหม่แล้วลองอีกครั้ง",
                   "The form expired or did not come from this page. Reload the page and try again."),
    "error.404": ("ไม่พบหน้าหรือไฟล์ที่ขอ", "The page or file was not found"),
    "error.405": ("ใช้หน้านี้แบบนี้ไม่ได้", "This page cannot be used that way"),
    "error.413": ("ไฟล์ใหญ่เกินกำหนดหรือจำนวนไฟล์มากเกินไป (ไฟล์ละไม่เกิน {mb} MB ครั้งละไม่เกิน {n} ไฟล์)",
                  "Too large or too many files (up to {mb} MB a file, {n} files a batch)."),
    "error.408": ("ส่งข้อมูลนานเกินกำหนด ให้ลองใหม่โดยส่งครั้งละน้อยลง",
                  "The upload took too long; try again with fewer files at a time."),
    "error.400": ("คำขอไม่ถูกต้อง: {detail}", "Bad request: {detail}"),
    "error.500": ("ระบบทำงานไม่สำเร็จ ({detail}) หน้าอื่นยังใช้งานได้ตามปกติ ลองอีกครั้ง หรือแจ้งผู้ดูแล",
                  "The request failed ({detail}). The rest keeps working; try again or tell the maintainer."),
    "error.host": ("ชื่อเครื่องในที่อยู่ไม่ถูกต้อง ให้เปิดจากลิงก์ที่คำสั่งแสดง",
                   "Unexpected host name; open the link the command printed."),
    # OIT (issue 20): the grid of the round and each organisation's items
    "oit.heading": ("การเผยแพร่ข้อมูล OIT", "OIT items published"),
    "oit.help": ("หนึ่งแถวต่อหน่วยงาน หนึ่งคอลัมน์ต่อข้อ ตัวเลขด้านล่างคือจำนวนหน่วยงานที่ขาดหรือไม่ผ่านข้อนั้น "
                 "(หน้าเปิดไม่ได้และหน้าของปีก่อนตรวจได้เมื่อตรวจลิงก์)",
                 "One row per organisation, one column per item; the bottom row counts the organisations "
                 "missing or failing each item (dead and last year's pages show once links are checked)."),
    "oit.failing_row": ("ขาดหรือไม่ผ่าน", "Missing or failing"),
    "oit.present": ("มี", "yes"),
    "oit.missing": ("ไม่มี", "none"),
    "oit.invalid": ("URL ผิด", "bad URL"),
    "oit.dead": ("เปิดไม่ได้", "dead"),
    "oit.old": ("ปีเก่า", "old"),
    "oit.items": ("รายการ OIT", "OIT items"),
    "oit.item": ("ข้อ", "Item"),
    "oit.name": ("รายการ", "What must be published"),
    "oit.urls": ("URL", "URLs"),
    "oit.status": ("ผล", "Result"),
    "oit.what_failed": ("สิ่งที่ต้องแก้", "What failed"),
    "oit.failing_count": ("ขาดหรือไม่ผ่าน {n} จาก {total} ข้อ", "{n} of {total} items missing or failing"),
    "login.heading": ("เข้าสู่ระบบ", "Sign in"),
    "login.password": ("รหัสผ่าน", "Password"),
    "login.submit": ("เข้าสู่ระบบ", "Sign in"),
    "login.wrong": ("รหัสผ่านไม่ถูกต้อง", "Wrong password"),
}


def _words() -> dict[str, Word]:
    heads = {"col.code": "org_code", "col.name": "org_name", "col.sent": "sent_at",
             "col.returned": "returned_files", "col.counting": "counting_file",
             "col.state": "status", "col.errors": "errors", "col.warnings": "warnings",
             "col.level": "level", "col.feedback": "feedback_sent_at",
             "col.reminded": "reminded_at", "count.files": "returned_files",
             "round.year": "fiscal_year", "org.files": "returned_files",
             "org.recorded": "recorded", "org.file_time": "file_time", "org.severity": "severity",
             "org.sheet": "sheet", "org.cell": "cell", "org.message": "message",
             "org.total": "total", "returns.file": "file"}
    return {**{f"status.{k}": w for k, w in FILE_STATES.items()},
            # the round model's states of an organisation (the page's rows and counts)
            **{f"status.{k}": w for k, w in ORG_STATES.items()},
            **{f"sev.{k}": w for k, w in SEVERITIES.items()},
            **{k: HEADINGS[v] for k, v in heads.items()},
            "org.not_counted": ORG_STATES["not_counted"]}


TEXTS.update({k: (w.label("th"), w.label("en")) for k, w in _words().items()})


def text(key: str, lang: str = "th", **kw) -> str:
    th, en = TEXTS.get(key, (key, key))
    s = en if lang == "en" else th
    return s.format(**kw) if kw else s
