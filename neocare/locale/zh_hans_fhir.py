"""Chinese for the hospital-systems interface (neocare/fhir; merged into
translate_zh_hans.ZH_HANS): the admin's words for OAuth clients and their scopes."""

ZH_HANS: dict[str, str] = {
    "facility": "机构",
    "scopes": "权限范围",
    "client id": "客户端 ID",
    "Client id %(id)s, secret %(secret)s — copy the secret now: it is not shown again.": "客户端 ID %(id)s，密钥 %(secret)s——请立即复制密钥：它不会再次显示。",
    "read patients": "读取患儿信息",
    "hand over newborns (births and discharges)": "交接新生儿（出生与出院）",
    "hospital record number": "医院病历号",
    "read observations": "读取观察记录",
    "write laboratory results": "写入化验结果",
    "hospital system": "医院信息系统",
    "hospital systems": "医院信息系统",
    "hospital system (FHIR)": "医院信息系统（FHIR）",
}
